/**
 * The cash (TUNAI) payment instruction to Bank Kalteng (issue #15, families.md "Files: payment
 * instruction"): per tahap and kabupaten, one line per entitlement, with a control total, and the
 * rules for which entitlements go on a first instruction and which on a follow-up.
 *
 * Pure: no AWS, no I/O (hashing is in-process). The job streams the kabupaten's entitlements
 * through {@link planFirstInstruction} / {@link planFollowUp}, writes each planned line through one
 * {@link InstructionFileWriter} (which formats it and keeps the control total), and stores the file,
 * then its control file ({@link controlFileText}), then the entitlements' new status
 * ({@link sentStatus}).
 *
 * The reference of a line is `instructionRef(entitlementRef, attempt)`
 * (`KHBS-2026-1-T-ABCDEFGHJKMN-1`): the bank pays a reference once, so a file sent again (or written
 * again after a crash) pays nobody twice; a new attempt (a new reference) is only ever made for an
 * entitlement whose last attempt the bank has reported failed or returned.
 */
import { createHash, type Hash } from 'node:crypto';
import { MAX_AMOUNT } from '../bank-report.ts';
import { maskNik } from '../mask.ts';
import type { AttemptOutcome } from '../reconciliation.ts';
import { safeCell } from '../report.ts';
import { safeLine } from '../text.ts';
import { activeAccount, type RecordedAccount } from './accounts.ts';
import {
  type EntitlementStatus,
  entitlementMayMove,
  instructionRef,
  parseInstructionRef,
} from './distribution.ts';
import type { Component } from './tahap.ts';

// --- The file ------------------------------------------------------------------------------------

/**
 * The columns of the instruction file, as Bank Kalteng's bulk-credit upload names them. The names
 * of `no_referensi`, `no_rekening`, `nik`, `jumlah` and `nomor_sk` are the ones its disbursement
 * report uses (`bank-report.ts`), so the report can carry each line's reference back.
 */
export const INSTRUCTION_COLUMNS = [
  'no',
  'no_rekening',
  'nama_penerima',
  'nik',
  'jumlah',
  'no_referensi',
  'nomor_sk',
  'keterangan',
] as const;
export type InstructionColumn = (typeof INSTRUCTION_COLUMNS)[number];

export const INSTRUCTION_HEADERS: Readonly<Record<InstructionColumn, string>> = {
  no: 'No',
  no_rekening: 'No Rekening',
  nama_penerima: 'Nama Penerima',
  nik: 'NIK',
  jumlah: 'Jumlah',
  no_referensi: 'No Referensi',
  nomor_sk: 'Nomor SK',
  keterangan: 'Keterangan',
};

/** The file's delimiter and line end: `;` (names hold commas), CRLF, UTF-8 without BOM. */
export const INSTRUCTION_DELIMITER = ';';
export const INSTRUCTION_EOL = '\r\n';

/** A first instruction of a tahap's kabupaten, or a follow-up for failed and returned payments. */
export type InstructionKind = 'AWAL' | 'SUSULAN';

/** What the file is: its own metadata, carried by the control file. */
export interface InstructionFileMeta {
  /** {@link instructionFileId}. */
  readonly fileId: string;
  readonly kind: InstructionKind;
  readonly tahapId: string;
  /** Kemendagri code of the kabupaten/kota, `62.03`. */
  readonly region: string;
  readonly regionName: string;
  /** The SK Gubernur number(s) the lines pay under (usually one per tahap and kabupaten). */
  readonly skNumbers: readonly string[];
  /** ISO. */
  readonly createdAt: string;
}

/**
 * `KHBS-PI-2026-1-6203-01`: tahap, kabupaten and the file's sequence within them (01 the first
 * instruction, 02… the follow-ups). It cannot be mistaken for a line reference.
 */
export function instructionFileId(tahapId: string, region: string, seq: number): string {
  if (!/^\d{4}-\d{1,2}$/.test(tahapId)) throw new Error(`not a tahap id: ${tahapId}`);
  if (!/^\d{2}\.\d{2}$/.test(region)) throw new Error(`not a region code: ${region}`);
  if (!Number.isInteger(seq) || seq < 1 || seq > 99) throw new Error(`bad file sequence ${seq}`);
  return `KHBS-PI-${tahapId}-${region.replace('.', '')}-${String(seq).padStart(2, '0')}`;
}

/** One line: one entitlement's payment, one attempt. */
export interface InstructionLine {
  readonly noRekening: string;
  readonly nik: string;
  readonly nama: string;
  /** Whole Rupiah. */
  readonly amount: number;
  /** `instructionRef(entitlementRef, attempt)`. */
  readonly ref: string;
  readonly nomorSk: string;
}

/** The file's control total: what the bank checks before it pays a line. */
export interface ControlTotal {
  readonly lines: number;
  /** Whole Rupiah. */
  readonly total: number;
  /** SHA-256 (hex) of the file's bytes exactly as written: header row and lines, in order. */
  readonly sha256: string;
}

/** A CSV cell: one line of text, quoted when it holds the delimiter or a quote. */
function csvCell(value: string): string {
  const safe = safeCell(safeLine(value));
  return /[;"]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const csvLine = (cells: readonly string[]): string =>
  `${cells.map(csvCell).join(INSTRUCTION_DELIMITER)}${INSTRUCTION_EOL}`;

/**
 * Writes one instruction file as it streams: {@link header} first, then {@link line} per line, then
 * {@link control}. It checks each line (reference of this file's tahap, TUNAI, whole Rupiah, an
 * entitlement at most once in the file) and throws on a broken one: a file that would pay wrongly
 * is never finished. Memory: the running sum, the hash, and one entitlement reference per line for
 * the duplicate check (about 3 MB at 60,000 lines).
 */
export class InstructionFileWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly seen = new Set<string>();
  private lines = 0;
  private total = 0;
  private started = false;
  private finished = false;

  constructor(private readonly meta: InstructionFileMeta) {}

  /** The header row, as text to write. */
  header(): string {
    if (this.started) throw new Error('header already written');
    this.started = true;
    return this.hashed(csvLine(INSTRUCTION_COLUMNS.map((column) => INSTRUCTION_HEADERS[column])));
  }

  /** One line, as text to write. */
  line(line: InstructionLine): string {
    if (!this.started || this.finished) throw new Error('line outside the file');
    const parsed = parseInstructionRef(line.ref);
    if (parsed?.component !== 'TUNAI' || parsed.tahapId !== this.meta.tahapId) {
      throw new Error(`line reference ${line.ref} is not a TUNAI reference of tahap ${this.meta.tahapId}`);
    }
    if (this.seen.has(parsed.entitlementRef)) {
      throw new Error(`entitlement ${parsed.entitlementRef} is twice in file ${this.meta.fileId}`);
    }
    if (!Number.isSafeInteger(line.amount) || line.amount <= 0 || line.amount > MAX_AMOUNT) {
      throw new Error(`bad amount on ${line.ref}`);
    }
    if (!/^\d{6,20}$/.test(line.noRekening)) throw new Error(`bad account on ${line.ref}`);
    if (!this.meta.skNumbers.includes(line.nomorSk)) {
      throw new Error(`line ${line.ref} pays under an SK the file does not name`);
    }
    this.seen.add(parsed.entitlementRef);
    this.lines++;
    this.total += line.amount;
    const cells: Record<InstructionColumn, string> = {
      no: String(this.lines),
      no_rekening: line.noRekening,
      nama_penerima: line.nama.slice(0, 150),
      nik: line.nik,
      jumlah: String(line.amount),
      no_referensi: instructionRef(parsed.entitlementRef, parsed.attempt),
      nomor_sk: line.nomorSk,
      keterangan: `BANTUAN TUNAI KHBS TAHAP ${parsed.tahapId.split('-')[1]}/${parsed.tahapId.split('-')[0]}`,
    };
    return this.hashed(csvLine(INSTRUCTION_COLUMNS.map((column) => cells[column])));
  }

  /** The control total; the file is closed. */
  control(): ControlTotal {
    if (!this.started) throw new Error('empty file');
    if (this.finished) throw new Error('control total already taken');
    this.finished = true;
    return { lines: this.lines, total: this.total, sha256: this.hash.digest('hex') };
  }

  private hashed(text: string): string {
    this.hash.update(text, 'utf8');
    return text;
  }
}

export const CONTROL_COLUMNS = [
  'ID Berkas',
  'Jenis',
  'Tahap',
  'Kode Kabupaten/Kota',
  'Kabupaten/Kota',
  'Nomor SK',
  'Jumlah Baris',
  'Total Rupiah',
  'SHA-256',
  'Dibuat',
] as const;

/**
 * The control file sent with the instruction (`<fileId>.kontrol.csv`): one header row and one row,
 * the instruction's metadata and its {@link ControlTotal}. The bank pays the file only when its own
 * count, sum and `sha256sum` of the instruction file agree.
 */
export function controlFileText(meta: InstructionFileMeta, control: ControlTotal): string {
  return (
    csvLine(CONTROL_COLUMNS) +
    csvLine([
      meta.fileId,
      meta.kind === 'AWAL' ? 'AWAL' : 'SUSULAN',
      meta.tahapId,
      meta.region,
      meta.regionName,
      meta.skNumbers.join(', '),
      String(control.lines),
      String(control.total),
      control.sha256,
      meta.createdAt,
    ])
  );
}

// --- Which entitlements go on a file -------------------------------------------------------------

/** An entitlement as the instruction reads it. */
export interface EntitlementForInstruction {
  /** `entitlementRef(...)`. */
  readonly ref: string;
  readonly tahapId: string;
  readonly component: Component;
  readonly region: string;
  readonly amount: number;
  readonly status: EntitlementStatus;
  readonly nomorSk: string;
  readonly penerimaNik: string;
  readonly penerimaNama: string;
  /** The last attempt instructed, and what the bank reported of it (absent: nothing yet). */
  readonly lastAttempt?:
    | { readonly attempt: number; readonly outcome?: AttemptOutcome | undefined }
    | undefined;
}

/** Why an entitlement is not on the file. */
export const SKIP_REASONS = [
  'BUKAN_TUNAI',
  'TAHAP_LAIN',
  'KABUPATEN_LAIN',
  'SUDAH_DIKIRIM',
  'SUDAH_DITERIMA',
  'BELUM_GAGAL',
  'MENUNGGU_LAPORAN_BANK',
  'BATAS_PERCOBAAN',
  'JUMLAH_TIDAK_SAH',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type InstructionPlan =
  | { readonly kind: 'LINE'; readonly attempt: number; readonly line: InstructionLine }
  /** No active account yet: listed back to the operator, on the next file once the bank opens one. */
  | { readonly kind: 'WAITING_ACCOUNT'; readonly ref: string; readonly message: string }
  | { readonly kind: 'SKIPPED'; readonly ref: string; readonly reason: SkipReason };

/** The largest attempt number a reference can carry (`instructionRef`). */
export const MAX_ATTEMPT = 99;

function lineFor(
  entitlement: EntitlementForInstruction,
  account: RecordedAccount | undefined,
  attempt: number,
): InstructionPlan {
  const noRekening = activeAccount(account);
  if (noRekening === undefined) {
    return {
      kind: 'WAITING_ACCOUNT',
      ref: entitlement.ref,
      message: `Penerima ${maskNik(entitlement.penerimaNik)} belum memiliki rekening aktif di Bank Kalteng${account?.status === 'GAGAL' ? ' (pembukaan rekening gagal; diajukan ulang)' : ''}; bantuan tunainya dibayar pada instruksi berikutnya setelah rekening dibuka.`,
    };
  }
  return {
    kind: 'LINE',
    attempt,
    line: {
      noRekening,
      nik: entitlement.penerimaNik,
      nama: entitlement.penerimaNama,
      amount: entitlement.amount,
      ref: instructionRef(entitlement.ref, attempt),
      nomorSk: entitlement.nomorSk,
    },
  };
}

function outOfFile(
  entitlement: EntitlementForInstruction,
  file: { readonly tahapId: string; readonly region: string },
): SkipReason | undefined {
  if (entitlement.component !== 'TUNAI') return 'BUKAN_TUNAI';
  if (entitlement.tahapId !== file.tahapId) return 'TAHAP_LAIN';
  if (entitlement.region !== file.region) return 'KABUPATEN_LAIN';
  if (!Number.isSafeInteger(entitlement.amount) || entitlement.amount <= 0) return 'JUMLAH_TIDAK_SAH';
  return undefined;
}

const skip = (entitlement: EntitlementForInstruction, reason: SkipReason): InstructionPlan => ({
  kind: 'SKIPPED',
  ref: entitlement.ref,
  reason,
});

/**
 * On the first instruction of a tahap's kabupaten: an entitlement still DITETAPKAN (never sent),
 * attempt 1, to the penerima's active account; without one it waits for an account (listed back,
 * never dropped). Any other status is skipped: writing the file again gives the same lines and the
 * same references, so a re-sent file never makes a second attempt.
 */
export function planFirstInstruction(
  entitlement: EntitlementForInstruction,
  account: RecordedAccount | undefined,
  file: { readonly tahapId: string; readonly region: string },
): InstructionPlan {
  const out = outOfFile(entitlement, file);
  if (out) return skip(entitlement, out);
  if (entitlement.status !== 'DITETAPKAN') return skip(entitlement, skipOf(entitlement.status));
  return lineFor(entitlement, account, 1);
}

/**
 * On a follow-up: an entitlement GAGAL whose last attempt the bank reported GAGAL or RETUR, as the
 * next attempt (a new reference), to the penerima's active account now (a new account opened after
 * the failure is used). Never one DIKIRIM or DIULANG (in flight at the bank), DITERIMA, or GAGAL
 * without the bank's failure of its last attempt on record. The attempt number comes from the
 * recorded last attempt, so a follow-up written again (the entitlement not yet moved to DIULANG)
 * has the same references as the first writing.
 */
export function planFollowUp(
  entitlement: EntitlementForInstruction,
  account: RecordedAccount | undefined,
  file: { readonly tahapId: string; readonly region: string },
): InstructionPlan {
  const out = outOfFile(entitlement, file);
  if (out) return skip(entitlement, out);
  if (entitlement.status !== 'GAGAL') return skip(entitlement, skipOf(entitlement.status));
  const last = entitlement.lastAttempt;
  if (!last || (last.outcome !== 'GAGAL' && last.outcome !== 'RETUR')) {
    return skip(entitlement, 'MENUNGGU_LAPORAN_BANK');
  }
  if (last.attempt >= MAX_ATTEMPT) return skip(entitlement, 'BATAS_PERCOBAAN');
  return lineFor(entitlement, account, last.attempt + 1);
}

function skipOf(status: EntitlementStatus): SkipReason {
  if (status === 'DITERIMA') return 'SUDAH_DITERIMA';
  if (status === 'DIKIRIM' || status === 'DIULANG') return 'SUDAH_DIKIRIM';
  return 'BELUM_GAGAL';
}

/** The operator-facing words of each skip reason (the file's summary). */
export const SKIP_REASON_LABEL: Readonly<Record<SkipReason, string>> = {
  BUKAN_TUNAI: 'bukan bantuan tunai',
  TAHAP_LAIN: 'hak tahap lain',
  KABUPATEN_LAIN: 'hak kabupaten/kota lain',
  SUDAH_DIKIRIM: 'sudah dikirim ke bank, menunggu laporan',
  SUDAH_DITERIMA: 'sudah diterima keluarga',
  BELUM_GAGAL: 'belum pernah dikirim atau belum dilaporkan gagal',
  MENUNGGU_LAPORAN_BANK: 'laporan bank atas percobaan terakhir belum ada',
  BATAS_PERCOBAAN: 'batas jumlah percobaan tercapai; perlu keputusan petugas',
  JUMLAH_TIDAK_SAH: 'jumlah hak tidak sah',
};

/**
 * What an entitlement becomes with its line on a file: DIKIRIM (first) or DIULANG (follow-up),
 * with the attempt and the account it went to (the reconciliation checks the bank paid that
 * account, `ExpectedPayment.instructions`). Written as a conditional update on the status the plan
 * read, so two jobs never both send it, and **before** the file is released to the bank: a line the
 * bank can pay always has its attempt on record (else its payment would be an unknown payee).
 */
export function sentStatus(
  kind: InstructionKind,
  plan: Extract<InstructionPlan, { kind: 'LINE' }>,
  fileId: string,
): {
  readonly status: EntitlementStatus;
  readonly expectedStatus: EntitlementStatus;
  readonly attempt: { readonly attempt: number; readonly noRekening: string; readonly fileId: string };
} {
  return {
    status: kind === 'AWAL' ? 'DIKIRIM' : 'DIULANG',
    expectedStatus: kind === 'AWAL' ? 'DITETAPKAN' : 'GAGAL',
    attempt: { attempt: plan.attempt, noRekening: plan.line.noRekening, fileId },
  };
}

/**
 * The status reconciliation moves an entitlement to (`EntitlementOutcome.status` of the ledger),
 * or undefined when nothing changes: the same status, no status (still at the bank, or waiting for
 * a person's decision), or a move the entitlement may not make (a payment for one never sent: the
 * ledger's findings report it). GAGAL → DITERIMA happens when a failed line is later reported paid.
 */
export function closedStatus(
  current: EntitlementStatus,
  outcome: { readonly status?: 'DITERIMA' | 'GAGAL' | undefined },
): EntitlementStatus | undefined {
  const target = outcome.status;
  if (target === undefined || target === current) return undefined;
  return entitlementMayMove(current, target) ? target : undefined;
}
