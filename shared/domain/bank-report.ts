/**
 * Bank Kalteng's disbursement report (issue #5): which header names each column, how each cell is
 * read (amounts, dates and statuses in the spellings banks and offices use), the row schema, the
 * lines of its error report, and how a line compares with a payment already recorded under the same
 * bank reference. Plain rules: no AWS, no streams.
 *
 * Account numbers, NIKs and names are personal data: messages never quote them (an account only
 * masked, see `mask.ts`). Amounts, dates, statuses, references and decree numbers may be quoted.
 */
import * as z from 'zod';
import { bankReportPath } from '../adapters/storage-keys.ts';
import { lazySchema } from '../lazy-schema.ts';
import { type DateRules, parseDayDate } from './dates.ts';
import { formatRupiah } from './decree.ts';
import { type HeaderMatch, headerReader } from './header.ts';
import type { Severity } from './issues.ts';
import { maskAccount } from './mask.ts';
import { cleanDigits, isScientificNotation, parseNik, quoteNonDigits } from './nik.ts';
import { problemRow } from './report.ts';
import { compactKey, foldSpaces } from './text.ts';

// --- Columns -------------------------------------------------------------------------------------

export const BANK_COLUMNS = [
  'no_referensi',
  'no_rekening',
  'nik',
  'nama',
  'jumlah',
  'status',
  'tanggal_transaksi',
  'nomor_sk',
] as const;

export type BankColumn = (typeof BANK_COLUMNS)[number];

/** Columns every report must have; `nik` and `nomor_sk` are read when present. */
export const BANK_REQUIRED_COLUMNS: readonly BankColumn[] = [
  'no_rekening',
  'nama',
  'jumlah',
  'status',
  'tanggal_transaksi',
  'no_referensi',
];

/** How the error report and the messages name each column. */
export const BANK_COLUMN_LABELS: Readonly<Record<BankColumn, string>> = {
  no_referensi: 'No Referensi',
  no_rekening: 'No Rekening',
  nik: 'NIK',
  nama: 'Nama',
  jumlah: 'Jumlah',
  status: 'Status',
  tanggal_transaksi: 'Tanggal Transaksi',
  nomor_sk: 'Nomor SK',
};

/** Header spellings per column, compared after `headerKey` (case, spaces, punctuation, "(Rp)" ignored). */
const BANK_ALIASES: Readonly<Record<BankColumn, readonly string[]>> = {
  no_referensi: [
    'No Referensi',
    'No. Referensi',
    'Nomor Referensi',
    'Referensi',
    'Ref',
    'No Ref',
    'No. Ref',
    'Kode Transaksi',
  ],
  no_rekening: [
    'No Rekening',
    'No. Rekening',
    'Nomor Rekening',
    'Rekening',
    'No. Rek',
    'No Rek',
    'Norek',
    'Rekening Tujuan',
    'No Rekening Tujuan',
    'Nomor Rekening Tujuan',
  ],
  nik: ['NIK', 'No NIK', 'No. NIK', 'Nomor NIK'],
  nama: ['Nama', 'Nama Penerima', 'Nama Rekening', 'Atas Nama', 'Nama Pemilik Rekening'],
  jumlah: ['Jumlah', 'Nominal', 'Jumlah (Rp)', 'Amount'],
  status: ['Status', 'Keterangan Status', 'Status Transaksi'],
  tanggal_transaksi: ['Tanggal Transaksi', 'Tanggal', 'Tgl Transaksi', 'Tgl. Transaksi', 'Tgl'],
  nomor_sk: ['Nomor SK', 'No SK', 'No. SK', 'SK'],
};

export type BankHeaderMatch = HeaderMatch<BankColumn>;

/**
 * The header row of a bank report names at least three known columns, so title rows ("LAPORAN
 * PENYALURAN BKK …") and data rows are passed over; a running-number column ("No") simply names none.
 */
const bankHeader = headerReader<BankColumn>({
  aliases: BANK_ALIASES,
  required: BANK_REQUIRED_COLUMNS,
  isHeader: (found) => found.size >= 3,
});

/** The bank column a header cell names, or undefined. */
export const bankColumnForHeader = bankHeader.columnFor;

/** Reads `cells` as the header row of a bank report. */
export const detectBankHeader = bankHeader.detect;

/** The bank report as the row reader (`shared/import/rows.ts`) reads it. */
export const BANK_LAYOUT = {
  header: bankHeader,
  labels: BANK_COLUMN_LABELS,
  missingAdvice: 'Minta laporan penyaluran dari Bank Kalteng yang memuat kolom tersebut.',
  headerHint:
    'Laporan bank harus memuat baris judul seperti No Referensi, No Rekening, Nama, Jumlah, Status, Tanggal Transaksi.',
} as const;

// --- Problems and the error report ---------------------------------------------------------------

export const BANK_ISSUE_CODES = [
  'REF_REQUIRED',
  'REF_INVALID',
  'ACCOUNT_REQUIRED',
  'ACCOUNT_INVALID',
  /** Warning: the NIK is not valid and is left out; the payment is still recorded. */
  'NIK_INVALID',
  'NAME_REQUIRED',
  'NAME_INVALID',
  'AMOUNT_REQUIRED',
  'AMOUNT_INVALID',
  'AMOUNT_FRACTION',
  'STATUS_REQUIRED',
  'STATUS_UNKNOWN',
  'DATE_REQUIRED',
  'DATE_INVALID',
  /** Warning: the decree number is unreadable and is left out. */
  'SK_INVALID',
  /** Warning: the reference is already recorded with the same content; counted once. */
  'REFERENSI_GANDA',
  /** Error: the reference is already recorded with another amount, account or status. */
  'REFERENSI_BERBEDA',
  // Whole report
  'HEADER_NOT_FOUND',
  'COLUMNS_MISSING',
  'FILE_TOO_LARGE',
  'FILE_UNREADABLE',
  'FORMAT_UNSUPPORTED',
  'EMPTY_FILE',
  'NO_VALID_ROWS',
  'INTERNAL',
] as const;

export type BankIssueCode = (typeof BANK_ISSUE_CODES)[number];

const ISSUE_CODE_SET: ReadonlySet<string> = new Set(BANK_ISSUE_CODES);
const isBankIssueCode = (code: unknown): code is BankIssueCode =>
  typeof code === 'string' && ISSUE_CODE_SET.has(code);

/** One problem with one line of the report (or with the whole report, when `column` is null). */
export interface BankIssue {
  readonly column: BankColumn | null;
  readonly code: BankIssueCode;
  readonly severity: Severity;
  /** In Bahasa Indonesia; never a full account number, NIK or name. */
  readonly message: string;
}

/**
 * One line of the error report, in the recipient import's columns (`baris, kolom, kode, tingkat,
 * pesan`): the source row as Excel shows it (empty for a whole-report problem), the column by its
 * label, the code, the level and the message; every cell formula-safe.
 */
export const bankReportRow = (sourceRow: number | null, issue: BankIssue): string[] =>
  problemRow(sourceRow, issue, BANK_COLUMN_LABELS);

/**
 * The one report line of a refused line: its first error, with the other columns that also need
 * fixing named at the end, so one round of questions to the bank is enough.
 */
export function rowErrorLine(errors: readonly BankIssue[]): BankIssue | undefined {
  const [first, ...others] = errors;
  if (!first || others.length === 0) return first;
  const labels = [
    ...new Set(others.map((issue) => (issue.column ? BANK_COLUMN_LABELS[issue.column] : issue.code))),
  ];
  return {
    ...first,
    message: `${first.message} Baris ini juga bermasalah pada kolom: ${labels.join(', ')}.`,
  };
}

// --- Cells ---------------------------------------------------------------------------------------

export type FieldResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: BankIssueCode; readonly message: string };

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = <T>(code: BankIssueCode, message: string): FieldResult<T> => ({ ok: false, code, message });

/** A value the bank typed, quoted for a message (not for personal data), cut at 40 characters. */
const quote = (value: string) => `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;

/**
 * A payment's recorded status. RETUR: the money came back (Bank Kalteng reports a return as a later
 * line with the same reference, or as a line of its own). A recorded status may move only
 * BERHASIL → RETUR or GAGAL → BERHASIL ({@link statusMove}).
 */
export const PAYMENT_STATUSES = ['BERHASIL', 'GAGAL', 'RETUR'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const STATUS_BY_KEY: ReadonlyMap<string, PaymentStatus> = new Map([
  ['berhasil', 'BERHASIL'],
  ['sukses', 'BERHASIL'],
  ['success', 'BERHASIL'],
  ['gagal', 'GAGAL'],
  ['ditolak', 'GAGAL'],
  ['failed', 'GAGAL'],
  ['retur', 'RETUR'],
  ['dikembalikan', 'RETUR'],
  ['returned', 'RETUR'],
]);

/**
 * `BERHASIL`/`SUKSES`/`SUCCESS` → BERHASIL, `GAGAL`/`DITOLAK`/`FAILED` → GAGAL,
 * `RETUR`/`DIKEMBALIKAN`/`RETURNED` → RETUR, any case.
 */
export function parseStatus(text: string): FieldResult<PaymentStatus> {
  const shown = foldSpaces(text);
  if (shown === '') {
    return fail('STATUS_REQUIRED', 'Status transaksi wajib diisi: BERHASIL, GAGAL atau RETUR.');
  }
  const status = STATUS_BY_KEY.get(compactKey(shown));
  if (status) return ok(status);
  return fail(
    'STATUS_UNKNOWN',
    `Status ${quote(shown)} tidak dikenali. Gunakan BERHASIL (atau SUKSES/SUCCESS) untuk transaksi yang berhasil, ` +
      'GAGAL (atau DITOLAK/FAILED) untuk transaksi yang gagal, dan RETUR (atau DIKEMBALIKAN/RETURNED) untuk dana yang dikembalikan.',
  );
}

/**
 * What a later line with a recorded reference may do to its status: `same` (nothing to change),
 * `move` (BERHASIL → RETUR: the money came back; GAGAL → BERHASIL: a failed transfer went through
 * after all), or `conflict` (any other change: the recorded status stays, REFERENSI_BERBEDA).
 */
export function statusMove(recorded: PaymentStatus, incoming: PaymentStatus): 'same' | 'move' | 'conflict' {
  if (recorded === incoming) return 'same';
  if (recorded === 'BERHASIL' && incoming === 'RETUR') return 'move';
  if (recorded === 'GAGAL' && incoming === 'BERHASIL') return 'move';
  return 'conflict';
}

/** The largest amount one line may carry: far above any BKK payment, far below 2^53. */
export const MAX_AMOUNT = 999_999_999_999;

const AMOUNT_PREFIX = /^(?:rp\.?|idr)/i;
/** `1250000` */
const PLAIN = /^\d+$/;
/** `1.250.000` or `1.250.000,00` (Indonesian grouping). */
const GROUPED_ID = /^(\d{1,3}(?:\.\d{3})+)(?:,(\d{1,2}))?$/;
/** `1,250,000` or `1,250,000.00` (English grouping). */
const GROUPED_EN = /^(\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?$/;
/** `1250000,00` or `1250000.00`: one separator followed by one or two digits is a decimal mark. */
const PLAIN_DECIMAL = /^(\d+)[.,](\d{1,2})$/;

/**
 * An amount in whole Rupiah: `1250000`, `1.250.000`, `Rp1.250.000`, `Rp 1.250.000,00`,
 * `1,250,000.00`, `Rp1.250.000,-`. A separator followed by exactly three digits groups thousands;
 * one followed by one or two digits is the decimal mark, and a sen part other than zero is refused
 * (BKK is paid in whole Rupiah, so such a line is a mistake somewhere).
 */
export function parseAmount(text: string): FieldResult<number> {
  const shown = foldSpaces(text);
  if (shown === '') return fail('AMOUNT_REQUIRED', 'Jumlah wajib diisi dalam Rupiah, mis. 1.250.000.');
  const invalid = () =>
    fail<number>(
      'AMOUNT_INVALID',
      `Jumlah ${quote(shown)} tidak dapat dibaca sebagai nominal Rupiah. Tulis misalnya 1250000, 1.250.000 atau Rp1.250.000,00.`,
    );
  let value = shown.replace(/\s+/g, '');
  if (/^(?:-|\(|(?:rp\.?|idr)-)/i.test(value)) {
    return fail(
      'AMOUNT_INVALID',
      `Jumlah ${quote(shown)} bernilai negatif; jumlah pembayaran harus lebih dari Rp0.`,
    );
  }
  value = value.replace(AMOUNT_PREFIX, '').replace(/[.,]-$/, '');
  let whole: string;
  let sen = '';
  const grouped = GROUPED_ID.exec(value) ?? GROUPED_EN.exec(value);
  const decimal = grouped ? undefined : PLAIN_DECIMAL.exec(value);
  if (PLAIN.test(value)) whole = value;
  else if (grouped?.[1]) {
    whole = grouped[1].replace(/[.,]/g, '');
    sen = grouped[2] ?? '';
  } else if (decimal?.[1] && decimal[2]) {
    whole = decimal[1];
    sen = decimal[2];
  } else return invalid();
  if (!/^0*$/.test(sen)) {
    return fail(
      'AMOUNT_FRACTION',
      `Jumlah ${quote(shown)} memuat sen (${sen.padEnd(2, '0')} sen). BKK dibayarkan dalam Rupiah utuh, ` +
        'sehingga baris ini tidak dicatat; minta Bank Kalteng memeriksa jumlahnya.',
    );
  }
  const digits = whole.replace(/^0+(?=\d)/, '');
  if (digits.length > String(MAX_AMOUNT).length || Number(digits) > MAX_AMOUNT) {
    return fail(
      'AMOUNT_INVALID',
      `Jumlah ${quote(shown)} terlalu besar untuk satu pembayaran. Periksa kembali.`,
    );
  }
  const amount = Number(digits);
  if (amount === 0)
    return fail('AMOUNT_INVALID', 'Jumlah bernilai Rp0; jumlah pembayaran harus lebih dari Rp0.');
  return ok(amount);
}

const TRANSACTION_DATE: DateRules = { label: 'Tanggal transaksi', minYear: 2000, maxYear: 2099 };

/**
 * The transaction date as ISO `YYYY-MM-DD`, from `2026-11-29`, `29/11/2026`, `29-11-2026` (or
 * `29.11.2026`; day first, as in Indonesia), with or without a time of day after it.
 */
export function parseTransactionDate(text: string): FieldResult<string> {
  return parseDayDate(text, TRANSACTION_DATE);
}

/**
 * The account number as digits: spaces, dots, dashes and a leading apostrophe are removed; Excel's
 * scientific notation is refused (its digits are gone). Any bank's account length (6–20 digits) is
 * taken: a payment to an account that is in no list is exactly what reconciliation must show.
 */
export function parseAccount(text: string): FieldResult<string> {
  const shown = foldSpaces(text);
  if (shown === '') return fail('ACCOUNT_REQUIRED', 'No rekening tujuan wajib diisi.');
  if (isScientificNotation(shown)) {
    return fail(
      'ACCOUNT_INVALID',
      'No rekening tertulis sebagai angka ilmiah (seperti 1.2345E+12) karena kolomnya di Excel berformat angka; ' +
        'angka-angkanya sudah berubah. Minta laporan asli dari sistem bank, jangan disimpan ulang dari Excel.',
    );
  }
  const { value } = cleanDigits(shown);
  if (!/^\d+$/.test(value)) {
    return fail(
      'ACCOUNT_INVALID',
      `No rekening hanya boleh berisi angka, tetapi memuat ${quoteNonDigits(value)}.`,
    );
  }
  if (value.length < 6 || value.length > 20) {
    return fail(
      'ACCOUNT_INVALID',
      `No rekening berisi ${value.length} angka; nomor rekening terdiri dari 6–20 angka.`,
    );
  }
  if (/^0+$/.test(value)) return fail('ACCOUNT_INVALID', 'No rekening tidak boleh berisi angka 0 saja.');
  return ok(value);
}

const BANK_REF = /^[A-Za-z0-9][A-Za-z0-9._/:-]{0,63}$/;

/**
 * The bank's transaction reference, as written (case kept), without surrounding spaces or Excel's
 * leading apostrophe: 1–64 letters, digits and `. _ / : -`.
 */
export function parseBankRef(text: string): FieldResult<string> {
  const value = foldSpaces(text).replace(/^['‘’`]+/, '');
  if (value === '') {
    return fail(
      'REF_REQUIRED',
      'No referensi transaksi wajib diisi: tanpa nomor referensi, pembayaran tidak dapat dicocokkan.',
    );
  }
  if (isScientificNotation(value)) {
    return fail(
      'REF_INVALID',
      'No referensi tertulis sebagai angka ilmiah (seperti 2.0261E+11) karena kolomnya di Excel berformat angka; ' +
        'angka-angkanya sudah berubah. Minta laporan asli dari sistem bank, jangan disimpan ulang dari Excel.',
    );
  }
  if (!BANK_REF.test(value)) {
    return fail(
      'REF_INVALID',
      `No referensi ${quote(value)} tidak sah: hanya huruf, angka dan tanda . _ / : - (tanpa spasi), paling banyak 64 karakter.`,
    );
  }
  return ok(value);
}

const MAX_NAME = 150;

/** The account holder's name as the bank writes it, whitespace folded. */
export function parseName(text: string): FieldResult<string> {
  const value = foldSpaces(text);
  if (value === '') return fail('NAME_REQUIRED', 'Nama pemilik rekening wajib diisi.');
  if (value.length > MAX_NAME) {
    return fail(
      'NAME_INVALID',
      `Nama lebih dari ${MAX_NAME} karakter; kemungkinan beberapa kolom tergabung.`,
    );
  }
  if (!/\p{L}/u.test(value)) return fail('NAME_INVALID', 'Nama tidak memuat huruf sama sekali.');
  return ok(value);
}

const DECREE_NUMBER = /^[0-9A-Za-z][0-9A-Za-z./ -]{0,59}$/;

/** An optional decree number (`188.44/3/2026`); undefined when the cell is empty. */
export function parseDecreeNumber(text: string): FieldResult<string | undefined> {
  const value = foldSpaces(text);
  if (value === '') return ok(undefined);
  if (!DECREE_NUMBER.test(value) || !/\d/.test(value)) {
    return fail(
      'SK_INVALID',
      `Nomor SK ${quote(value)} tidak dikenali (contoh: 188.44/3/2026), sehingga diabaikan; pembayaran tetap dicatat tanpa nomor SK.`,
    );
  }
  return ok(value);
}

/** An optional NIK; a NIK that is not valid is left out with a warning, the payment still counts. */
export function parseOptionalNik(text: string): FieldResult<string | undefined> {
  if (foldSpaces(text) === '') return ok(undefined);
  const parsed = parseNik(text);
  if (parsed.ok) return ok(parsed.nik);
  return fail(
    'NIK_INVALID',
    `NIK tidak disimpan karena tidak sah: ${parsed.message} Pembayaran tetap dicatat berdasarkan no rekening dan no referensi.`,
  );
}

// --- The row -------------------------------------------------------------------------------------

/** A required cell: its parser's value, or an issue carrying the column and code. */
function required<T>(column: BankColumn, parse: (text: string) => FieldResult<T>) {
  return z
    .string()
    .optional()
    .transform((text, ctx): T => {
      const result = parse(text ?? '');
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.message, params: { column, code: result.code } });
      return z.NEVER;
    });
}

/** An optional cell: never fails the row; the caller turns a failed result into a warning. */
const optional = <T>(parse: (text: string) => FieldResult<T | undefined>) =>
  z
    .string()
    .optional()
    .transform((text) => parse(text ?? ''));

/**
 * One data line of the report, keyed by column, cells as text. Keys are in the order problems are
 * reported: the reference first (it identifies the payment), then the account and the rest.
 */
export const BankRowSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    no_referensi: required('no_referensi', parseBankRef),
    no_rekening: required('no_rekening', parseAccount),
    nama: required('nama', parseName),
    jumlah: required('jumlah', parseAmount),
    status: required('status', parseStatus),
    tanggal_transaksi: required('tanggal_transaksi', parseTransactionDate),
    nik: optional(parseOptionalNik),
    nomor_sk: optional(parseDecreeNumber),
  }),
);

/** A payment as one line of the report states it. */
export interface BankPayment {
  readonly bankRef: string;
  readonly noRekening: string;
  readonly nik?: string | undefined;
  readonly nama: string;
  readonly amount: number;
  readonly status: PaymentStatus;
  readonly transactionDate: string;
  readonly nomorSk?: string | undefined;
}

export interface BankRowResult {
  /** Present when the line has no error. */
  readonly payment?: BankPayment;
  readonly errors: BankIssue[];
  readonly warnings: BankIssue[];
}

/** Validates one data line; reports every problem of the line, errors in column order. */
export function validateBankRow(raw: Partial<Record<BankColumn, string>>): BankRowResult {
  const parsed = BankRowSchema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue): BankIssue => {
      const params = issue.code === 'custom' ? issue.params : undefined;
      const column = BANK_COLUMNS.find((candidate) => candidate === params?.column) ?? null;
      const rawCode: unknown = params?.code;
      const code = isBankIssueCode(rawCode) ? rawCode : 'FILE_UNREADABLE';
      return { column, code, severity: 'error', message: issue.message };
    });
    return { errors, warnings: [] };
  }
  const row = parsed.data;
  const warnings: BankIssue[] = [];
  if (!row.nik.ok)
    warnings.push({ column: 'nik', code: row.nik.code, severity: 'warning', message: row.nik.message });
  if (!row.nomor_sk.ok) {
    warnings.push({
      column: 'nomor_sk',
      code: row.nomor_sk.code,
      severity: 'warning',
      message: row.nomor_sk.message,
    });
  }
  const nik = row.nik.ok ? row.nik.value : undefined;
  const nomorSk = row.nomor_sk.ok ? row.nomor_sk.value : undefined;
  const payment: BankPayment = {
    bankRef: row.no_referensi,
    noRekening: row.no_rekening,
    ...(nik ? { nik } : {}),
    nama: row.nama,
    amount: row.jumlah,
    status: row.status,
    transactionDate: row.tanggal_transaksi,
    ...(nomorSk ? { nomorSk } : {}),
  };
  return { payment, errors: [], warnings };
}

// --- The same reference again --------------------------------------------------------------------

/** Where a status came from: a line of a report. */
export interface LineSource {
  /** S3 key of the report. */
  readonly reportKey: string;
  readonly sourceRow: number;
}

/**
 * An earlier status of a recorded payment, and the report line that moved it on (kept in the
 * payment's `history`, oldest first).
 */
export interface StatusChange extends LineSource {
  /** The status before the move. */
  readonly status: PaymentStatus;
  /** The transaction date of the line that moved it (`YYYY-MM-DD`). */
  readonly transactionDate?: string | undefined;
  /** When the move was recorded (ISO). */
  readonly at?: string | undefined;
}

/** What a line and a recorded payment are compared on, and where each came from. */
export interface RecordedLine extends LineSource {
  readonly bankRef: string;
  readonly noRekening: string;
  readonly amount: number;
  readonly status: PaymentStatus;
  /** Of a recorded payment: its earlier statuses, oldest first, each with the line that moved it on. */
  readonly moves?: readonly StatusChange[] | undefined;
}

export type Comparison =
  /** The recorded payment is this very line (an earlier attempt at this report stored or moved it). */
  | { readonly kind: 'own' }
  /** Same amount, account and status: the payment is counted once; a warning for the report. */
  | { readonly kind: 'duplicate'; readonly issue: BankIssue }
  /** Same amount and account, and a status the recorded one may move to ({@link statusMove}). */
  | { readonly kind: 'move'; readonly from: PaymentStatus }
  /** Another amount, account or status: the recorded one stays; an error for the report. */
  | { readonly kind: 'conflict'; readonly issue: BankIssue };

/**
 * Each status a recorded payment has had, oldest first, with the report line it came from: the
 * first from the first recording, each later one from the line that moved the one before it.
 */
export function statusSources(recorded: RecordedLine): (LineSource & { readonly status: PaymentStatus })[] {
  const moves = recorded.moves ?? [];
  const first = moves[0]?.status ?? recorded.status;
  const sources = [{ status: first, reportKey: recorded.reportKey, sourceRow: recorded.sourceRow }];
  moves.forEach((move, index) => {
    const status = moves[index + 1]?.status ?? recorded.status;
    sources.push({ status, reportKey: move.reportKey, sourceRow: move.sourceRow });
  });
  return sources;
}

const sameSource = (a: LineSource, b: LineSource) =>
  a.reportKey === b.reportKey && a.sourceRow === b.sourceRow;

/**
 * Compares a line with the payment already recorded under its bank reference. Two lines are the
 * same payment when amount, account and status agree (the transaction date, name, NIK and decree
 * number may be written differently by two reports of the same transfer). With the same amount and
 * account, a status the recorded one may move to ({@link statusMove}) is a `move`; a line that
 * recorded or moved the payment itself (an earlier attempt at this report) is `own`.
 */
export function compareWithRecorded(line: RecordedLine, recorded: RecordedLine): Comparison {
  const differs: string[] = [];
  if (recorded.amount !== line.amount) {
    differs.push(
      `jumlah ${formatRupiah(recorded.amount)} tercatat, ${formatRupiah(line.amount)} di baris ini`,
    );
  }
  if (recorded.noRekening !== line.noRekening) {
    differs.push(
      `no rekening ${maskAccount(recorded.noRekening)} tercatat, ${maskAccount(line.noRekening)} di baris ini`,
    );
  }
  const sources = statusSources(recorded);
  if (
    differs.length === 0 &&
    sources.some((source) => sameSource(source, line) && source.status === line.status)
  ) {
    return { kind: 'own' };
  }
  const move = statusMove(recorded.status, line.status);
  if (move === 'move' && differs.length === 0) return { kind: 'move', from: recorded.status };
  if (move !== 'same') differs.push(`status ${recorded.status} tercatat, ${line.status} di baris ini`);
  const current = sources[sources.length - 1] ?? recorded;
  const where =
    current.reportKey === line.reportKey
      ? `pada baris ${current.sourceRow} laporan ini`
      : `pada laporan ${bankReportPath(current.reportKey)} (baris ${current.sourceRow})`;
  if (differs.length === 0) {
    return {
      kind: 'duplicate',
      issue: {
        column: 'no_referensi',
        code: 'REFERENSI_GANDA',
        severity: 'warning',
        message: `No referensi ini sudah tercatat ${where} dengan isi yang sama; pembayaran dihitung satu kali dan baris ini tidak dicatat ulang.`,
      },
    };
  }
  const rule =
    move === 'conflict'
      ? ' Status yang tercatat hanya dapat berubah dari BERHASIL menjadi RETUR atau dari GAGAL menjadi BERHASIL.'
      : '';
  return {
    kind: 'conflict',
    issue: {
      column: 'no_referensi',
      code: 'REFERENSI_BERBEDA',
      severity: 'error',
      message:
        `No referensi ini sudah tercatat ${where}, tetapi isinya berbeda (${differs.join('; ')}).${rule} ` +
        'Data yang tercatat dipertahankan dan baris ini tidak dicatat; minta Bank Kalteng memastikan transaksi yang benar.',
    },
  };
}
