/**
 * Bank accounts of the penerima (issue #15, families.md "Objects: Account", "Files: account
 * opening"): the collective account-opening request the system sends Bank Kalteng for every
 * penerima without an account, the bank's answer file (an account number, or a failure with its
 * reason), and the rule that keeps **one account per penerima**.
 *
 * Pure: no AWS, no I/O. One penerima in, one request row out; one answer line in, one decision
 * out; the job streams both. Messages for people in Bahasa Indonesia; they never quote a full NIK,
 * account number or name (`maskNik`, `maskAccount`).
 *
 * KYC (what a bank must know to open an account, POJK APU-PPT): the request **requires** NIK, name,
 * birth date, address (the street address when DTSEN has one, always the desa, kecamatan and
 * kabupaten) and No KK; a penerima without them gets no row but a reason, listed back to the
 * operator. Birth place and mother's maiden name are sent **when verval recorded them**; when it did
 * not, the row still goes out, its cells empty and its `data_dilengkapi_bank` column naming them,
 * because Bank Kalteng verifies every NIK against Dukcapil (the e-KTP record holds both) before it
 * opens the account. A bank that refuses such a row answers GAGAL with its reason, and the penerima
 * is on the next request once verval has filled them in.
 */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.ts';
import { parseAccount } from '../bank-report.ts';
import { RUNNING_NUMBER } from '../columns.ts';
import { headerReader } from '../header.ts';
import { maskAccount, maskNik } from '../mask.ts';
import { parseNik } from '../nik.ts';
import { problemRow, type RowProblem, safeCell } from '../report.ts';
import { compactKey, foldSpaces, safeLine } from '../text.ts';

// --- The account-opening request (system → Bank Kalteng) ----------------------------------------

export const ACCOUNT_REQUEST_COLUMNS = [
  'no',
  'nik',
  'nama',
  'tempat_lahir',
  'tanggal_lahir',
  'jenis_kelamin',
  'nama_ibu_kandung',
  'alamat',
  'no_kk',
  'kode_desa',
  'desa',
  'kecamatan',
  'kabupaten',
  'data_dilengkapi_bank',
] as const;
export type AccountRequestColumn = (typeof ACCOUNT_REQUEST_COLUMNS)[number];

/** The request's header row, as Bank Kalteng's collective-opening form names the fields. */
export const ACCOUNT_REQUEST_HEADERS: Readonly<Record<AccountRequestColumn, string>> = {
  no: 'No',
  nik: 'NIK',
  nama: 'Nama Lengkap',
  tempat_lahir: 'Tempat Lahir',
  tanggal_lahir: 'Tanggal Lahir',
  jenis_kelamin: 'Jenis Kelamin',
  nama_ibu_kandung: 'Nama Ibu Kandung',
  alamat: 'Alamat',
  no_kk: 'No KK',
  kode_desa: 'Kode Desa/Kelurahan',
  desa: 'Desa/Kelurahan',
  kecamatan: 'Kecamatan',
  kabupaten: 'Kabupaten/Kota',
  data_dilengkapi_bank: 'Data Dilengkapi Bank dari Dukcapil',
};

/** Fields a bank's KYC needs that verval may not have captured: sent empty, named for the bank. */
export const KYC_FROM_DUKCAPIL = ['tempat_lahir', 'nama_ibu_kandung'] as const;
export type KycFromDukcapil = (typeof KYC_FROM_DUKCAPIL)[number];

/** One penerima as the request needs them (the family's penerima of the tahap, from verval). */
export interface PenerimaForAccount {
  readonly nik: string;
  readonly nama: string;
  /** `YYYY-MM-DD` (DTSEN member's birth date). */
  readonly tanggalLahir: string;
  readonly jenisKelamin?: 'L' | 'P' | undefined;
  /** Recorded by verval when the relawan asked (`tempat_lahir_penerima`). */
  readonly tempatLahir?: string | undefined;
  /** Recorded by verval when the relawan asked (`nama_ibu_kandung_penerima`). */
  readonly namaIbuKandung?: string | undefined;
  readonly noKk: string;
  /** Street address of the family from DTSEN; may be empty (the desa then stands for it). */
  readonly alamat?: string | undefined;
  readonly desaCode: string;
  readonly desaName: string;
  readonly kecamatanName: string;
  readonly kabupatenName: string;
}

export type AccountRequestRow =
  | {
      readonly ok: true;
      /** Cells in {@link ACCOUNT_REQUEST_COLUMNS} order, as text (formula-safe, one line each). */
      readonly cells: readonly string[];
      /** KYC fields left for the bank to complete from Dukcapil. */
      readonly incomplete: readonly KycFromDukcapil[];
    }
  | { readonly ok: false; readonly code: 'DATA_KYC_KURANG'; readonly message: string };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A cell of a file the bank's system reads: one line, no formula start, cut at `max`. */
function plainCell(value: string | undefined, max = 200): string {
  return safeCell(safeLine(value ?? '').slice(0, max));
}

/**
 * One penerima as a row of the request (`no`: the row's running number in the file). Refused, with
 * the missing fields named, when a field the bank cannot open an account without is absent.
 */
export function accountRequestRow(no: number, penerima: PenerimaForAccount): AccountRequestRow {
  const missing: string[] = [];
  const nik = parseNik(penerima.nik);
  if (!nik.ok) missing.push('NIK yang sah');
  if (foldSpaces(penerima.nama) === '') missing.push('nama');
  const born = ISO_DATE.exec(penerima.tanggalLahir);
  if (!born) missing.push('tanggal lahir');
  if (!/^\d{16}$/.test(penerima.noKk)) missing.push('No KK');
  if (!/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(penerima.desaCode) || foldSpaces(penerima.desaName) === '') {
    missing.push('desa');
  }
  if (missing.length > 0 || !nik.ok || !born) {
    return {
      ok: false,
      code: 'DATA_KYC_KURANG',
      message: `Penerima ${nik.ok ? maskNik(nik.nik) : '(NIK tidak sah)'} belum dapat diajukan pembukaan rekening: ${missing.join(', ')} belum tercatat. Lengkapi melalui verval, lalu penerima masuk pengajuan berikutnya.`,
    };
  }
  const incomplete = KYC_FROM_DUKCAPIL.filter((field) =>
    field === 'tempat_lahir'
      ? foldSpaces(penerima.tempatLahir ?? '') === ''
      : foldSpaces(penerima.namaIbuKandung ?? '') === '',
  );
  const alamat = foldSpaces(penerima.alamat ?? '') || `Desa/Kel. ${foldSpaces(penerima.desaName)}`;
  const cells: Record<AccountRequestColumn, string> = {
    no: String(no),
    nik: nik.nik,
    nama: plainCell(penerima.nama, 150),
    tempat_lahir: plainCell(penerima.tempatLahir, 100),
    tanggal_lahir: `${born[3]}-${born[2]}-${born[1]}`,
    jenis_kelamin: penerima.jenisKelamin ?? '',
    nama_ibu_kandung: plainCell(penerima.namaIbuKandung, 150),
    alamat: plainCell(alamat),
    no_kk: penerima.noKk,
    kode_desa: penerima.desaCode,
    desa: plainCell(penerima.desaName, 100),
    kecamatan: plainCell(penerima.kecamatanName, 100),
    kabupaten: plainCell(penerima.kabupatenName, 100),
    data_dilengkapi_bank: incomplete.map((field) => ACCOUNT_REQUEST_HEADERS[field]).join(', '),
  };
  return { ok: true, cells: ACCOUNT_REQUEST_COLUMNS.map((column) => cells[column]), incomplete };
}

// --- The bank's answer (Bank Kalteng → system) ---------------------------------------------------

export const ACCOUNT_ANSWER_COLUMNS = ['nik', 'no_rekening', 'status', 'alasan', 'nama'] as const;
export type AccountAnswerColumn = (typeof ACCOUNT_ANSWER_COLUMNS)[number];

export const ACCOUNT_ANSWER_LABELS: Readonly<Record<AccountAnswerColumn, string>> = {
  nik: 'NIK',
  no_rekening: 'No Rekening',
  status: 'Status',
  alasan: 'Alasan',
  nama: 'Nama',
};

export const ACCOUNT_ANSWER_ALIASES: Readonly<Record<AccountAnswerColumn, readonly string[]>> = {
  nik: ['NIK', 'No NIK', 'No. NIK', 'Nomor NIK', 'Nomor Induk Kependudukan', 'NIK Nasabah', 'NIK Penerima'],
  no_rekening: [
    'No Rekening',
    'No. Rekening',
    'Nomor Rekening',
    'Rekening',
    'No Rek',
    'No. Rek',
    'Norek',
    'No Rekening Baru',
    'Nomor Rekening Baru',
  ],
  status: ['Status', 'Status Pembukaan', 'Status Rekening', 'Hasil', 'Keterangan Status'],
  alasan: ['Alasan', 'Keterangan', 'Alasan Gagal', 'Alasan Penolakan', 'Ket', 'Catatan'],
  nama: ['Nama', 'Nama Nasabah', 'Nama Lengkap', 'Nama Penerima', 'Nama Rekening', 'Atas Nama'],
};

/** The answer file as the row reader (`shared/import/rows.ts`) reads it. */
export const ACCOUNT_ANSWER_LAYOUT = {
  header: headerReader<AccountAnswerColumn>({
    aliases: ACCOUNT_ANSWER_ALIASES,
    // A file of failures only may leave the account column out; each success row needs it.
    required: ['nik', 'status'],
    isHeader: (found) => found.has('nik') && found.has('status'),
    ignored: RUNNING_NUMBER,
  }),
  labels: ACCOUNT_ANSWER_LABELS,
  missingAdvice: 'Minta jawaban pembukaan rekening dari Bank Kalteng yang memuat kolom tersebut.',
  headerHint: 'Jawaban bank harus memuat baris judul seperti NIK, No Rekening, Status, Alasan.',
} as const;

/** An answer line's outcome: the account is open, or the bank could not open it. */
export const ACCOUNT_ANSWER_STATUSES = ['DIBUKA', 'GAGAL'] as const;
export type AccountAnswerStatus = (typeof ACCOUNT_ANSWER_STATUSES)[number];

const ANSWER_STATUS_BY_KEY: ReadonlyMap<string, AccountAnswerStatus> = new Map(
  (
    [
      ['berhasil', 'DIBUKA'],
      ['dibuka', 'DIBUKA'],
      ['sukses', 'DIBUKA'],
      ['success', 'DIBUKA'],
      ['aktif', 'DIBUKA'],
      ['ok', 'DIBUKA'],
      ['terbuka', 'DIBUKA'],
      ['gagal', 'GAGAL'],
      ['ditolak', 'GAGAL'],
      ['tolak', 'GAGAL'],
      ['failed', 'GAGAL'],
      ['tidakberhasil', 'GAGAL'],
      ['rejected', 'GAGAL'],
    ] as const
  ).map(([key, status]) => [key, status]),
);

export type AccountAnswerProblem = RowProblem<AccountAnswerColumn>;

/** One report line of a problem of the answer file (`baris, kolom, kode, tingkat, pesan`). */
export const accountAnswerReportRow = (sourceRow: number | null, problem: AccountAnswerProblem): string[] =>
  problemRow(sourceRow, problem, ACCOUNT_ANSWER_LABELS);

/** One answer line, checked. */
export interface AccountAnswer {
  readonly nik: string;
  readonly status: AccountAnswerStatus;
  /** Present exactly when the account was opened. */
  readonly noRekening?: string | undefined;
  /** The bank's reason for a failure (never empty for one: "tanpa alasan" when the bank gave none). */
  readonly alasan?: string | undefined;
}

type Cell<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: AccountAnswerProblem };

const problem = (
  column: AccountAnswerColumn | null,
  code: string,
  message: string,
  severity: 'error' | 'warning' = 'error',
): AccountAnswerProblem => ({ column, code, severity, message });

function parseAnswerStatus(text: string): Cell<AccountAnswerStatus> {
  const shown = foldSpaces(text);
  if (shown === '') {
    return {
      ok: false,
      problem: problem(
        'status',
        'STATUS_REQUIRED',
        'Status pembukaan rekening wajib diisi: BERHASIL atau GAGAL.',
      ),
    };
  }
  const status = ANSWER_STATUS_BY_KEY.get(compactKey(shown));
  if (status) return { ok: true, value: status };
  const quoted = shown.length > 30 ? `${shown.slice(0, 30)}…` : shown;
  return {
    ok: false,
    problem: problem(
      'status',
      'STATUS_UNKNOWN',
      `Status "${quoted}" tidak dikenali. Gunakan BERHASIL (atau DIBUKA/SUKSES) bila rekening sudah dibuka, GAGAL (atau DITOLAK) bila tidak dapat dibuka.`,
    ),
  };
}

const AnswerRowSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    nik: z
      .string()
      .optional()
      .transform((text): Cell<string> => {
        const parsed = parseNik(text ?? '');
        return parsed.ok
          ? { ok: true, value: parsed.nik }
          : { ok: false, problem: problem('nik', parsed.code, parsed.message) };
      }),
    status: z
      .string()
      .optional()
      .transform((text) => parseAnswerStatus(text ?? '')),
    no_rekening: z
      .string()
      .optional()
      .transform((text) => foldSpaces(text ?? '')),
    alasan: z
      .string()
      .optional()
      .transform((text) => safeLine(text ?? '').slice(0, 200)),
    nama: z.string().optional(),
  }),
);

/**
 * Checks one line of the bank's answer. A success needs an account number (6–20 digits, as the bank
 * report reads it); a failure takes its reason (a warning when the bank gave none). An account
 * number on a failure line is ignored with a warning. Every problem of the line is reported.
 */
export function validateAccountAnswerRow(raw: Partial<Record<AccountAnswerColumn, string>>): {
  readonly value: AccountAnswer | undefined;
  readonly errors: AccountAnswerProblem[];
  readonly warnings: AccountAnswerProblem[];
} {
  const row = AnswerRowSchema.parse(raw);
  const errors: AccountAnswerProblem[] = [];
  const warnings: AccountAnswerProblem[] = [];
  if (!row.nik.ok) errors.push(row.nik.problem);
  if (!row.status.ok) errors.push(row.status.problem);
  let noRekening: string | undefined;
  let alasan: string | undefined;
  if (row.status.ok && row.status.value === 'DIBUKA') {
    const account = parseAccount(row.no_rekening);
    if (account.ok) noRekening = account.value;
    else {
      errors.push(
        problem(
          'no_rekening',
          account.code,
          account.code === 'ACCOUNT_REQUIRED'
            ? 'No rekening wajib diisi bila status BERHASIL: tanpa nomor rekening, rekening penerima tidak dapat dicatat.'
            : account.message,
        ),
      );
    }
  } else if (row.status.ok) {
    alasan = row.alasan;
    if (alasan === '') {
      alasan = 'tanpa alasan dari bank';
      warnings.push(
        problem(
          'alasan',
          'ALASAN_KOSONG',
          'Status GAGAL tanpa alasan: penerima tetap masuk pengajuan berikutnya, tetapi tanyakan alasannya kepada Bank Kalteng agar data dapat diperbaiki.',
          'warning',
        ),
      );
    }
    if (row.no_rekening !== '') {
      warnings.push(
        problem(
          'no_rekening',
          'REKENING_DIABAIKAN',
          'Status GAGAL tetapi no rekening diisi: no rekening diabaikan dan tidak dicatat. Bila rekening sebenarnya sudah dibuka, minta bank mengirim ulang baris ini dengan status BERHASIL.',
          'warning',
        ),
      );
    }
  }
  if (errors.length > 0 || !row.nik.ok || !row.status.ok) return { value: undefined, errors, warnings };
  return {
    value: {
      nik: row.nik.value,
      status: row.status.value,
      ...(noRekening ? { noRekening } : {}),
      ...(alasan ? { alasan } : {}),
    },
    errors,
    warnings,
  };
}

// --- One account per penerima --------------------------------------------------------------------

/**
 * What is recorded for a penerima's NIK:
 * - `DIAJUKAN`: on a request sent to the bank, no answer yet;
 * - `AKTIF`: the bank opened this account (the only one the penerima has here);
 * - `GAGAL`: the bank could not open one, for `alasan`.
 */
/**
 * An answer line of a file uploaded for one kabupaten (a regional operator's, or an admin's naming a
 * region) must name a penerima of that kabupaten: accounts are keyed by NIK alone, so without this
 * an operator could open, fail or take over the account of another kabupaten's penerima.
 * `penerimaRegions` are the kabupaten whose decreed families have this NIK as their penerima (their
 * cards, numbered when the KPM decree opened each distribution). Undefined: the line may stand.
 */
export function answerOutsideRegion(
  region: string,
  penerimaRegions: readonly string[],
): AccountAnswerProblem | undefined {
  if (penerimaRegions.includes(region)) return undefined;
  return problem(
    'nik',
    'PENERIMA_KABUPATEN_LAIN',
    penerimaRegions.length > 0
      ? `NIK ini adalah penerima KPM kabupaten/kota lain (${penerimaRegions.join(', ')}), bukan kabupaten/kota ${region} tujuan unggahan ini; jawabannya tidak dicatat. Jawaban bank untuk penerima kabupaten/kota lain diunggah oleh operator kabupaten/kota itu atau oleh admin provinsi.`
      : `NIK ini bukan penerima KPM kabupaten/kota ${region} tujuan unggahan ini (tidak tercatat pada penyaluran yang telah dibuka); jawabannya tidak dicatat.`,
  );
}

export const ACCOUNT_STATUSES = ['DIAJUKAN', 'AKTIF', 'GAGAL'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface RecordedAccount {
  readonly nik: string;
  readonly status: AccountStatus;
  /** Present when AKTIF. */
  readonly noRekening?: string | undefined;
  /** The bank's reason for the last failure. */
  readonly alasan?: string | undefined;
  /** When the last request naming this NIK was made (ISO). */
  readonly requestedAt?: string | undefined;
  /** When the bank's answer was recorded (ISO). */
  readonly answeredAt?: string | undefined;
}

export type AccountDecision =
  /** A first account (or one after failures): record it AKTIF. */
  | { readonly kind: 'OPENED'; readonly record: RecordedAccount }
  /** The same account again (a re-sent answer): nothing to write. */
  | { readonly kind: 'SAME' }
  /** A second account for a NIK that has one, or an account another NIK holds: kept out, an error. */
  | { readonly kind: 'REFUSED'; readonly problem: AccountAnswerProblem }
  /** A failure after a success: the open account stands; a warning. */
  | { readonly kind: 'IGNORED'; readonly problem: AccountAnswerProblem }
  /** A failure: recorded with its reason, so the penerima is on the next request. */
  | { readonly kind: 'FAILED'; readonly record: RecordedAccount };

/**
 * The one-account-per-penerima rule: what an answer line does to what is recorded for its NIK.
 * `heldBy` is the NIK an AKTIF record already holds the answer's account number for, if any (one
 * account never pays two penerima). Lines of one file are decided one after another against the
 * record as the previous line left it, so the same NIK twice in a file follows the same rule.
 */
export function decideAccount(
  recorded: RecordedAccount | undefined,
  answer: AccountAnswer,
  at: string,
  heldBy?: string,
): AccountDecision {
  if (answer.status === 'GAGAL') {
    if (recorded?.status === 'AKTIF') {
      return {
        kind: 'IGNORED',
        problem: problem(
          'status',
          'GAGAL_SETELAH_DIBUKA',
          `Penerima ini sudah memiliki rekening aktif (${maskAccount(recorded.noRekening ?? '')}); jawaban GAGAL diabaikan dan rekening yang tercatat tetap berlaku.`,
          'warning',
        ),
      };
    }
    return {
      kind: 'FAILED',
      record: {
        nik: answer.nik,
        status: 'GAGAL',
        alasan: answer.alasan ?? 'tanpa alasan dari bank',
        ...(recorded?.requestedAt ? { requestedAt: recorded.requestedAt } : {}),
        answeredAt: at,
      },
    };
  }
  const account = answer.noRekening ?? '';
  if (recorded?.status === 'AKTIF') {
    if (recorded.noRekening === account) return { kind: 'SAME' };
    return {
      kind: 'REFUSED',
      problem: problem(
        'no_rekening',
        'REKENING_KEDUA',
        `Penerima ini sudah memiliki rekening aktif (${maskAccount(recorded.noRekening ?? '')}); rekening kedua (${maskAccount(account)}) tidak dicatat: satu penerima satu rekening. Bila rekening lama ditutup, minta Bank Kalteng menyampaikannya secara tertulis agar rekening diganti oleh admin.`,
      ),
    };
  }
  if (heldBy !== undefined && heldBy !== answer.nik) {
    return {
      kind: 'REFUSED',
      problem: problem(
        'no_rekening',
        'REKENING_MILIK_LAIN',
        `No rekening ${maskAccount(account)} sudah tercatat untuk penerima lain; satu rekening tidak boleh dipakai dua penerima. Baris ini tidak dicatat; minta Bank Kalteng memeriksanya.`,
      ),
    };
  }
  return {
    kind: 'OPENED',
    record: {
      nik: answer.nik,
      status: 'AKTIF',
      noRekening: account,
      ...(recorded?.requestedAt ? { requestedAt: recorded.requestedAt } : {}),
      answeredAt: at,
    },
  };
}

/** How long a request may stay unanswered before the penerima goes on a request again. */
export const RESEND_AFTER_DAYS = 14;

/**
 * Whether a penerima goes on the next account-opening request: nothing recorded, a failure, or a
 * request unanswered for {@link RESEND_AFTER_DAYS} days (the bank opens an account once per NIK,
 * and a duplicate answer is {@link decideAccount}'s `SAME`). Never one with an active account.
 */
export function needsAccountRequest(
  recorded: RecordedAccount | undefined,
  now: string,
  resendAfterDays = RESEND_AFTER_DAYS,
): boolean {
  if (!recorded) return true;
  if (recorded.status === 'AKTIF') return false;
  if (recorded.status === 'GAGAL') return true;
  const sent = Date.parse(recorded.requestedAt ?? '');
  if (Number.isNaN(sent)) return true;
  return Date.parse(now) - sent >= resendAfterDays * 86_400_000;
}

/** The account a payment may go to: the active one, or undefined (the penerima waits for one). */
export const activeAccount = (recorded: RecordedAccount | undefined): string | undefined =>
  recorded?.status === 'AKTIF' ? recorded.noRekening : undefined;
