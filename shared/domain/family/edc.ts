/**
 * EDC transactions from Bank Kalteng (issue #15, families.md "Files users exchange"): every use of a
 * KHBS card on an EDC terminal is recorded so that double receipt can be found. One EDC record is
 * the **redemption of one component of one tahap by one card** (how a family then withdraws its
 * cash from the account, in one go or in parts, is the bank's business, not ours).
 *
 * What is reported ({@link DoubleReceiptDetector}):
 * - a second redemption of the same component and tahap by the same family's card (the first's
 *   bank reference and time are kept for the report);
 * - a redemption on a card that was blocked (DIBLOKIR) or replaced (DIGANTI) at that time;
 * - one penerima NIK holding two active cards (1 KK 1 kartu);
 * - a card unknown to the system, and a redemption that falls in no tahap.
 *
 * Pure: no AWS, no I/O. Messages for people in Bahasa Indonesia; no message or finding carries a
 * full NIK or a name, and a bank card number (PAN) in the file is refused without being echoed.
 */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.ts';
import { parseAmount, parseBankRef } from '../bank-report.ts';
import { RUNNING_NUMBER } from '../columns.ts';
import { parseDayDate } from '../dates.ts';
import { headerReader } from '../header.ts';
import { maskNik } from '../mask.ts';
import { isScientificNotation } from '../nik.ts';
import type { RowProblem } from '../report.ts';
import { compactKey, foldSpaces } from '../text.ts';
import { CARD_STATUS_LABEL, type CardStatus, isCardActive, normalizeCardNumber } from './distribution.ts';
import type { Checked } from './dtsen-rows.ts';
import { COMPONENTS, type Component } from './tahap.ts';

// --- Columns -------------------------------------------------------------------------------------

export const EDC_COLUMNS = [
  'no_kartu',
  'terminal',
  'waktu',
  'jumlah',
  'jenis',
  'tahap',
  'referensi',
] as const;
export type EdcColumn = (typeof EDC_COLUMNS)[number];
export type EdcProblem = RowProblem<EdcColumn>;

export const EDC_COLUMN_LABELS: Readonly<Record<EdcColumn, string>> = {
  no_kartu: 'No Kartu',
  terminal: 'Terminal',
  waktu: 'Waktu Transaksi',
  jumlah: 'Jumlah',
  jenis: 'Jenis',
  tahap: 'Tahap',
  referensi: 'Referensi',
};

/** Header spellings of each column, as Bank Kalteng's exports and offices write them. */
export const EDC_ALIASES: Readonly<Record<EdcColumn, readonly string[]>> = {
  no_kartu: [
    'No Kartu',
    'no_kartu',
    'Nomor Kartu',
    'No. Kartu',
    'Kartu',
    'No Kartu KHBS',
    'Nomor Kartu KHBS',
    'ID Kartu',
    'Card No',
    'Card Number',
  ],
  terminal: [
    'Terminal',
    'ID Terminal',
    'Terminal ID',
    'TID',
    'No Terminal',
    'Kode Terminal',
    'ID EDC',
    'EDC',
  ],
  waktu: [
    'Waktu Transaksi',
    'Waktu',
    'Tanggal Transaksi',
    'Tgl Transaksi',
    'Tanggal/Jam',
    'Tanggal Jam',
    'Tanggal dan Jam',
    'Tanggal',
    'Date Time',
    'Datetime',
    'Timestamp',
  ],
  jumlah: ['Jumlah', 'Nominal', 'Jumlah (Rp)', 'Nilai', 'Nilai Transaksi', 'Amount'],
  jenis: [
    'Jenis',
    'Jenis Transaksi',
    'Komponen',
    'Jenis Bantuan',
    'Tipe',
    'Tipe Transaksi',
    'Type',
    'Kategori',
  ],
  tahap: ['Tahap', 'Tahap Penyaluran', 'Tahap Bantuan', 'Periode Tahap'],
  referensi: [
    'Referensi',
    'No Referensi',
    'No. Referensi',
    'Ref',
    'No Ref',
    'ID Transaksi',
    'Kode Transaksi',
    'No Transaksi',
    'RRN',
    'Trace No',
  ],
};

/** A row is the file's header when it names the card column and two more. */
export const EDC_LAYOUT = {
  header: headerReader<EdcColumn>({
    aliases: EDC_ALIASES,
    required: ['no_kartu', 'terminal', 'waktu', 'jumlah', 'jenis'],
    isHeader: (found) => found.has('no_kartu') && found.size >= 3,
    ignored: RUNNING_NUMBER,
  }),
  labels: EDC_COLUMN_LABELS,
  missingAdvice: 'Minta berkas transaksi EDC dari Bank Kalteng yang memuat kolom tersebut.',
  headerHint:
    'Pastikan ada baris berisi judul kolom seperti No Kartu, Terminal, Waktu Transaksi, Jumlah, Jenis.',
} as const;

// --- Cells ---------------------------------------------------------------------------------------

const error = (column: EdcColumn | null, code: string, message: string): EdcProblem => ({
  column,
  code,
  severity: 'error',
  message,
});
const warning = (column: EdcColumn | null, code: string, message: string): EdcProblem => ({
  column,
  code,
  severity: 'warning',
  message,
});

/**
 * What a bank card number (PAN, 13–19 digits, sometimes masked with `*`, `x` or `•`, or mangled by
 * Excel into scientific notation) looks like once spaces and dashes are gone. Ours always has `HB`.
 */
const BANK_CARD = /^(?=(?:[^0-9]*[0-9]){6})[0-9*xX•]{13,19}$/;
const CARD_SEPARATORS = /[\s-]/g;

export type CardCell =
  | { readonly ok: true; readonly card: string }
  | {
      readonly ok: false;
      readonly code: 'NO_KARTU_WAJIB' | 'NO_KARTU_BANK' | 'NO_KARTU_TIDAK_SAH';
      readonly message: string;
    };

/**
 * The card column: our card number (`HB-6203-0000123-4`, any case, spacing or dashes). A bank
 * card number is refused with a message that says we never store one, and its value is never
 * echoed (nor any other value of this column: a masked PAN is still card data).
 */
export function parseCardCell(text: string): CardCell {
  const shown = foldSpaces(text);
  if (shown === '') {
    return {
      ok: false,
      code: 'NO_KARTU_WAJIB',
      message: 'No kartu KHBS wajib diisi (seperti HB-6203-0000123-4).',
    };
  }
  const compact = shown.replace(CARD_SEPARATORS, '');
  if (BANK_CARD.test(compact) || isScientificNotation(compact)) {
    return {
      ok: false,
      code: 'NO_KARTU_BANK',
      message:
        'Kolom No Kartu berisi nomor kartu bank (ATM/debit), bukan nomor kartu KHBS. Sistem KHBS tidak pernah menyimpan nomor kartu bank: ' +
        'baris ini ditolak dan nomornya tidak disimpan maupun ditampilkan. Minta Bank Kalteng mengisi kolom ini dengan nomor kartu KHBS (seperti HB-6203-0000123-4).',
    };
  }
  const card = normalizeCardNumber(shown);
  if (card) return { ok: true, card };
  return {
    ok: false,
    code: 'NO_KARTU_TIDAK_SAH',
    message:
      'No kartu KHBS tidak sah: harus HB, 4 angka kode kabupaten, 7 angka nomor urut dan 1 angka pemeriksa (seperti HB-6203-0000123-4), dan angka pemeriksanya harus cocok.',
  };
}

const JENIS_SPELLINGS: Readonly<Record<Component, readonly string[]>> = {
  TUNAI: [
    'Tunai',
    'Bantuan Tunai',
    'Tarik Tunai',
    'Penarikan',
    'Penarikan Tunai',
    'Pencairan Tunai',
    'Uang Tunai',
    'Cash',
    'Cash Withdrawal',
    'Withdrawal',
  ],
  PANGAN: [
    'Pangan',
    'Bantuan Pangan',
    'Paket Pangan',
    'Sembako',
    'Paket Sembako',
    'Penebusan Pangan',
    'Penukaran Pangan',
    'Beras',
    'BULOG',
    'Food',
  ],
};

const JENIS_BY_KEY: ReadonlyMap<string, Component> = (() => {
  const index = new Map<string, Component>();
  for (const component of COMPONENTS) {
    for (const spelling of JENIS_SPELLINGS[component]) index.set(compactKey(spelling), component);
  }
  return index;
})();

/** `TUNAI`/`Tarik Tunai`/`Cash` → TUNAI, `PANGAN`/`Sembako`/`Bantuan Pangan` → PANGAN, any case. */
export const parseJenis = (text: string): Component | undefined =>
  JENIS_BY_KEY.get(compactKey(foldSpaces(text)));

const TAHAP_YEAR_FIRST = /^(\d{4})\s*[-/]\s*(\d{1,2})$/;
const TAHAP_NUMBER_FIRST = /^(?:tahap\s*)?(\d{1,2})\s*(?:[-/]|tahun|thn\.?|th\.?)?\s*(\d{4})$/i;

/** `2026-1`, `2026/1`, `1/2026`, `Tahap 1 2026`, `Tahap 1 Tahun 2026` → `2026-1`; undefined otherwise. */
export function parseTahapCell(text: string): string | undefined {
  const shown = foldSpaces(text);
  const yearFirst = TAHAP_YEAR_FIRST.exec(shown);
  const numberFirst = yearFirst ? undefined : TAHAP_NUMBER_FIRST.exec(shown);
  const year = Number(yearFirst?.[1] ?? numberFirst?.[2]);
  const number = Number(yearFirst?.[2] ?? numberFirst?.[1]);
  if (!Number.isInteger(year) || !Number.isInteger(number) || number < 1 || number > 12 || year < 2026) {
    return undefined;
  }
  return `${year}-${number}`;
}

/** Minutes east of UTC of the time zones a bank file may name. A time without one is WIB. */
const ZONES: ReadonlyMap<string, number> = new Map([
  ['wib', 420],
  ['wita', 480],
  ['wit', 540],
  ['z', 0],
  ['utc', 0],
  ['gmt', 0],
]);
const WIB_MINUTES = 420;
/** A date, then a time of day (`10:15`, `10.15.30`, `10:15:30.123`), then maybe a zone. */
const DATE_TIME =
  /^(\S+?)(?:T|\s+)(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?\s*(WIB|WITA|WIT|Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
/** Excel's date-time: days since its epoch and the fraction of the day (in WIB, the bank's clock). */
const EXCEL_DATE_TIME = /^\d{5}\.\d+$/;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** A transaction time may run this far ahead of the import's clock (terminals' clocks drift). */
const CLOCK_SKEW_MS = 15 * MINUTE_MS;

export type WaktuResult =
  | { readonly ok: true; readonly value: string }
  | {
      readonly ok: false;
      readonly code: 'WAKTU_WAJIB' | 'WAKTU_TIDAK_SAH' | 'WAKTU_TANPA_JAM';
      readonly message: string;
    };

/**
 * The transaction's time as an ISO instant in UTC (`2026-03-02T03:15:00.000Z`), from what banks
 * write: `2026-03-02 10:15:00`, `02/03/2026 10.15`, `02-03-2026 10:15 WIB`,
 * `2026-03-02T10:15:00+07:00`, `2026-03-02T03:15:00Z`, or an Excel date-time (`46083.4270833`).
 * Day first, as in Indonesia; a time without a zone is WIB (the bank's clock). A date without a
 * time is refused: the time decides the order of two redemptions and whether a card was already
 * blocked.
 */
export function parseWaktu(text: string, now: string): WaktuResult {
  const shown = foldSpaces(text);
  if (shown === '') {
    return { ok: false, code: 'WAKTU_WAJIB', message: 'Waktu transaksi wajib diisi, mis. 02/03/2026 10:15.' };
  }
  const year = Number(now.slice(0, 4));
  const invalid = (reason: string): WaktuResult => ({
    ok: false,
    code: 'WAKTU_TIDAK_SAH',
    message: `Waktu transaksi tidak sah: ${reason} Tulis seperti 02/03/2026 10:15 (WIB) atau 2026-03-02T10:15:00+07:00.`,
  });
  let ms: number;
  if (EXCEL_DATE_TIME.test(shown)) {
    ms = EXCEL_EPOCH_MS + Math.round((Number(shown) * DAY_MS) / 1000) * 1000 - WIB_MINUTES * MINUTE_MS;
  } else {
    const match = DATE_TIME.exec(shown);
    if (!match) {
      const dateOnly = parseDayDate(shown, { label: 'Waktu transaksi', minYear: year - 1, maxYear: year });
      if (dateOnly.ok) {
        return {
          ok: false,
          code: 'WAKTU_TANPA_JAM',
          message:
            'Waktu transaksi hanya memuat tanggal; jam transaksi diperlukan (urutan dua transaksi dan saat kartu diblokir dibandingkan sampai detik).',
        };
      }
      return invalid('tanggal dan jam tidak dapat dibaca.');
    }
    const [, datePart = '', hourText = '', minuteText = '', secondText = '0', zoneText] = match;
    const date = parseDayDate(datePart, { label: 'Tanggal transaksi', minYear: year - 1, maxYear: year });
    if (!date.ok) return { ok: false, code: 'WAKTU_TIDAK_SAH', message: date.message };
    const [hour, minute, second] = [Number(hourText), Number(minuteText), Number(secondText)];
    if (hour > 23 || minute > 59 || second > 59) return invalid('jam di luar 00:00–23:59.');
    const offset = zoneOffset(zoneText);
    const [y, m, d] = [
      Number(date.value.slice(0, 4)),
      Number(date.value.slice(5, 7)),
      Number(date.value.slice(8)),
    ];
    ms = Date.UTC(y, m - 1, d, hour, minute, second) - offset * MINUTE_MS;
  }
  const utcYear = new Date(ms).getUTCFullYear();
  if (!Number.isFinite(ms) || utcYear < year - 1 || utcYear > year) return invalid('tahunnya tidak mungkin.');
  if (ms > Date.parse(now) + CLOCK_SKEW_MS) return invalid('waktunya belum tiba.');
  return { ok: true, value: new Date(ms).toISOString() };
}

function zoneOffset(zone: string | undefined): number {
  if (zone === undefined) return WIB_MINUTES;
  const named = ZONES.get(zone.toLowerCase());
  if (named !== undefined) return named;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

const TERMINAL = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/;

/** One EDC record, checked: the shape stored and read back. */
export const EdcLineSchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    card: z.string().regex(/^HB-\d{4}-\d{7}-\d$/),
    terminal: z.string().min(1).max(32),
    /** ISO instant, UTC. */
    waktu: z.iso.datetime(),
    jumlah: z.number().int().positive(),
    component: z.enum(COMPONENTS),
    /** `2026-1`, when the file says; else the detector finds it from the windows. */
    tahapId: z
      .string()
      .regex(/^\d{4}-\d{1,2}$/)
      .optional(),
    /** The bank's transaction id. */
    bankRef: z.string().max(64).optional(),
  }),
);
export type EdcLine = z.infer<typeof EdcLineSchema>;

export interface EdcRules {
  /** The import's clock (ISO instant): a transaction cannot be (much) later. */
  readonly now: string;
}

/**
 * Checks one EDC record on its own. Every problem is reported; an error keeps the record out.
 * The card column is never quoted (see {@link parseCardCell}); an unreadable optional reference
 * is dropped with a warning (duplicates are then recognised by terminal, time and amount).
 */
export function validateEdcLine(
  raw: Partial<Record<EdcColumn, string>>,
  rules: EdcRules,
): Checked<EdcLine, EdcProblem> {
  const cell = (column: EdcColumn) => foldSpaces(raw[column] ?? '');
  const errors: EdcProblem[] = [];
  const warnings: EdcProblem[] = [];

  const card = parseCardCell(raw.no_kartu ?? '');
  if (!card.ok) errors.push(error('no_kartu', card.code, card.message));

  const terminal = cell('terminal');
  if (terminal === '') errors.push(error('terminal', 'TERMINAL_WAJIB', 'ID terminal EDC wajib diisi.'));
  else if (!TERMINAL.test(terminal)) {
    errors.push(
      error(
        'terminal',
        'TERMINAL_TIDAK_SAH',
        'ID terminal EDC hanya boleh berisi huruf, angka dan tanda . _ / - (paling banyak 32 karakter).',
      ),
    );
  }

  const waktu = parseWaktu(cell('waktu'), rules.now);
  if (!waktu.ok) errors.push(error('waktu', waktu.code, waktu.message));

  const amount = parseAmount(cell('jumlah'));
  if (!amount.ok) {
    errors.push(
      error(
        'jumlah',
        amount.code === 'AMOUNT_REQUIRED' ? 'JUMLAH_WAJIB' : 'JUMLAH_TIDAK_SAH',
        amount.code === 'AMOUNT_FRACTION'
          ? 'Jumlah memuat sen; bantuan KHBS dalam Rupiah utuh. Minta Bank Kalteng memeriksa jumlahnya.'
          : amount.message,
      ),
    );
  }

  const jenisText = cell('jenis');
  const component = jenisText === '' ? undefined : parseJenis(jenisText);
  if (component === undefined) {
    errors.push(
      error(
        'jenis',
        jenisText === '' ? 'JENIS_WAJIB' : 'JENIS_TIDAK_DIKENAL',
        `${jenisText === '' ? 'Jenis transaksi wajib diisi' : 'Jenis transaksi tidak dikenal'}: TUNAI (tarik tunai) atau PANGAN (penebusan paket pangan).`,
      ),
    );
  }

  const tahapText = cell('tahap');
  const tahapId = tahapText === '' ? undefined : parseTahapCell(tahapText);
  if (tahapText !== '' && tahapId === undefined) {
    errors.push(
      error(
        'tahap',
        'TAHAP_TIDAK_SAH',
        'Tahap tidak dapat dibaca: tulis seperti 2026-1 atau Tahap 1 Tahun 2026, atau kosongkan (tahap ditentukan dari waktu transaksi).',
      ),
    );
  }

  let bankRef: string | undefined;
  if (cell('referensi') !== '') {
    const ref = parseBankRef(cell('referensi'));
    if (ref.ok) bankRef = ref.value;
    else
      warnings.push(
        warning(
          'referensi',
          'REFERENSI_DIABAIKAN',
          `${ref.message} Referensi diabaikan; transaksi dikenali dari terminal, waktu dan jumlah.`,
        ),
      );
  }

  if (errors.length > 0 || !card.ok || !waktu.ok || !amount.ok || component === undefined) {
    return { value: undefined, errors, warnings };
  }
  return {
    value: {
      card: card.card,
      terminal,
      waktu: waktu.value,
      jumlah: amount.value,
      component,
      ...(tahapId !== undefined ? { tahapId } : {}),
      ...(bankRef !== undefined ? { bankRef } : {}),
    },
    errors,
    warnings,
  };
}

// --- Double receipt ------------------------------------------------------------------------------

/** What the system knows of a card, as the caller looks it up. */
export interface CardFacts {
  readonly number: string;
  readonly status: CardStatus;
  /** When the card entered `status` (ISO instant): for DIBLOKIR/DIGANTI, when it stopped being usable. */
  readonly since: string;
  /** The family the card belongs to; a replacement card has the same family. */
  readonly familyId?: string | undefined;
  /** The penerima's NIK (masked in every finding). */
  readonly penerimaNik?: string | undefined;
}

/**
 * A tahap's distribution window: `[from, until)`, ISO instants. A redemption whose file has no
 * `tahap` column belongs to the tahap whose window contains its time; windows must not overlap.
 */
export interface TahapWindow {
  readonly tahapId: string;
  readonly from: string;
  readonly until: string;
}

/** The first redemption of a key, kept for the report of a second one. */
export interface RecordedRedemption {
  readonly card: string;
  readonly terminal: string;
  readonly waktu: string;
  readonly jumlah: number;
  readonly bankRef?: string | undefined;
  /** {@link edcLineKey} of its line. */
  readonly lineKey: string;
}

export interface RedemptionFacts {
  /** The card; undefined when the system does not know it. */
  readonly card?: CardFacts | undefined;
  /** Every card whose penerima has the card's penerima NIK (this one included). */
  readonly holderCards?: readonly CardFacts[] | undefined;
  /** The first redemption of this line's key recorded before this stream (the caller's look-up). */
  readonly earlier?: RecordedRedemption | undefined;
}

export const EDC_FINDING_CODES = [
  'PENEBUSAN_GANDA',
  'KARTU_DIBLOKIR',
  'NIK_DUA_KARTU',
  'KARTU_TIDAK_DIKENAL',
  'TAHAP_TIDAK_DIKETAHUI',
] as const;
export type EdcFindingCode = (typeof EDC_FINDING_CODES)[number];

export const EDC_FINDING_LABEL: Readonly<Record<EdcFindingCode, string>> = {
  PENEBUSAN_GANDA: 'Penerimaan ganda: komponen yang sama pada tahap yang sama ditebus dua kali',
  KARTU_DIBLOKIR: 'Transaksi dengan kartu yang sudah diblokir atau diganti',
  NIK_DUA_KARTU: 'Satu NIK penerima memegang dua kartu aktif',
  KARTU_TIDAK_DIKENAL: 'Kartu tidak dikenal sistem',
  TAHAP_TIDAK_DIKETAHUI: 'Transaksi di luar masa penyaluran tahap mana pun',
};

export interface EdcFinding {
  readonly code: EdcFindingCode;
  readonly label: string;
  /** In Indonesian; card numbers and times, NIKs masked, never a name. */
  readonly detail: string;
  /** Of a second redemption: the first, for the report. */
  readonly first?: Pick<RecordedRedemption, 'card' | 'terminal' | 'waktu' | 'bankRef'> | undefined;
}

export type RedemptionVerdict =
  /** The same record again (same bank reference, or same terminal, time and amount): a no-op. */
  | { readonly kind: 'DUPLICATE'; readonly lineKey: string }
  | {
      readonly kind: 'RECORDED';
      readonly lineKey: string;
      /** `<tahap>#<component>#<family or card>`; undefined when the tahap is unknown. */
      readonly key?: string | undefined;
      readonly tahapId?: string | undefined;
      /** Whether this is the first redemption of `key` (the caller stores it as such). */
      readonly first: boolean;
      readonly findings: readonly EdcFinding[];
    };

/** What a record is, for recognising it again: the bank's id, else terminal, time and amount. */
export const edcLineKey = (line: EdcLine): string =>
  line.bankRef !== undefined ? `REF#${line.bankRef}` : `TRX#${line.terminal}#${line.waktu}#${line.jumlah}`;

const WIB_FORMAT_OFFSET_MS = WIB_MINUTES * MINUTE_MS;

/** `02-03-2026 10:15:00 WIB`. */
export function formatWib(iso: string): string {
  const wib = new Date(Date.parse(iso) + WIB_FORMAT_OFFSET_MS).toISOString();
  return `${wib.slice(8, 10)}-${wib.slice(5, 7)}-${wib.slice(0, 4)} ${wib.slice(11, 19)} WIB`;
}

const finding = (code: EdcFindingCode, detail: string, first?: EdcFinding['first']): EdcFinding => ({
  code,
  label: EDC_FINDING_LABEL[code],
  detail,
  ...(first ? { first } : {}),
});

/**
 * Finds double receipt in a stream of checked EDC records, one {@link observe} per record in file
 * order, with the facts the caller looked up for it. Its state is small: the first redemption of
 * each key seen in this stream (one entry per family × component × tahap that occurs: ~100 bytes
 * each) and the NIKs already reported; earlier files are the caller's `earlier` look-up (e.g. the
 * stored first redemption under `EDC#<key>`, written conditionally so the first write wins).
 *
 * Rules:
 * - **the tahap of a redemption** is the file's `tahap` when it has one; else the tahap whose
 *   distribution window contains the transaction time (the caller supplies the windows; they may
 *   not overlap). No window → TAHAP_TIDAK_DIKETAHUI, and no key;
 * - **key** = tahap + component + the family's card: the card's family when the caller knows it
 *   (a replaced card and its replacement are one family's card, so one redemption on each is a
 *   double), else the card number. A second record of a key (not the same record again) →
 *   PENEBUSAN_GANDA, carrying the first's bank reference, terminal and time;
 * - **a blocked card**: a card DIBLOKIR or DIGANTI since an instant at or before the transaction
 *   → KARTU_DIBLOKIR. A redemption at the very instant of the block counts as after it: the block
 *   is the authority, the bank's and our clocks are not the same clock, and a finding is a question
 *   to answer, not a penalty. The redemption still counts as the key's first if it is one (the
 *   money or food went out);
 * - **one NIK, two active cards**: the card's penerima NIK holds more than one active card
 *   (`holderCards`) → NIK_DUA_KARTU, once per NIK per stream;
 * - **an unknown card** → KARTU_TIDAK_DIKENAL (its redemptions are still keyed by card number).
 *
 * Findings are keyed by the record's {@link edcLineKey}: stored under it, a file imported again
 * finds nothing new.
 */
export class DoubleReceiptDetector {
  private readonly windows: readonly { tahapId: string; from: number; until: number }[];
  private readonly firsts = new Map<string, RecordedRedemption>();
  private readonly reportedNiks = new Set<string>();

  constructor(windows: readonly TahapWindow[]) {
    const parsed = windows
      .map((window) => ({
        tahapId: window.tahapId,
        from: Date.parse(window.from),
        until: Date.parse(window.until),
      }))
      .sort((a, b) => a.from - b.from);
    parsed.forEach((window, index) => {
      if (!Number.isFinite(window.from) || !Number.isFinite(window.until) || window.from >= window.until) {
        throw new Error(`bad distribution window of tahap ${window.tahapId}`);
      }
      const previous = parsed[index - 1];
      if (previous && previous.until > window.from) {
        throw new Error(`distribution windows of tahap ${previous.tahapId} and ${window.tahapId} overlap`);
      }
    });
    this.windows = parsed;
  }

  /** The tahap of a redemption: the file's, else the window containing its time. */
  tahapOf(line: EdcLine): string | undefined {
    if (line.tahapId !== undefined) return line.tahapId;
    const at = Date.parse(line.waktu);
    return this.windows.find((window) => window.from <= at && at < window.until)?.tahapId;
  }

  observe(line: EdcLine, facts: RedemptionFacts): RedemptionVerdict {
    const lineKey = edcLineKey(line);
    const findings: EdcFinding[] = [];
    const at = Date.parse(line.waktu);
    const { card } = facts;

    if (!card) {
      findings.push(
        finding(
          'KARTU_TIDAK_DIKENAL',
          `Kartu ${line.card} dipakai pada ${formatWib(line.waktu)} di terminal ${line.terminal}, tetapi tidak terdaftar di sistem.`,
        ),
      );
    } else {
      if ((card.status === 'DIBLOKIR' || card.status === 'DIGANTI') && Date.parse(card.since) <= at) {
        findings.push(
          finding(
            'KARTU_DIBLOKIR',
            `Kartu ${card.number} berstatus ${CARD_STATUS_LABEL[card.status]} sejak ${formatWib(card.since)}, tetapi dipakai untuk transaksi ${line.component} pada ${formatWib(line.waktu)} di terminal ${line.terminal}.`,
          ),
        );
      }
      const nik = card.penerimaNik;
      if (nik !== undefined && !this.reportedNiks.has(nik)) {
        const active = [
          ...new Set(
            (facts.holderCards ?? [])
              .filter((other) => isCardActive(other.status))
              .map((other) => other.number),
          ),
        ];
        if (active.length > 1) {
          this.reportedNiks.add(nik);
          findings.push(
            finding(
              'NIK_DUA_KARTU',
              `NIK penerima ${maskNik(nik)} memegang ${active.length} kartu aktif: ${active.sort().join(', ')}. Satu KK satu kartu: blokir kartu yang tidak berhak.`,
            ),
          );
        }
      }
    }

    const tahapId = this.tahapOf(line);
    if (tahapId === undefined) {
      findings.push(
        finding(
          'TAHAP_TIDAK_DIKETAHUI',
          `Transaksi ${line.component} kartu ${line.card} pada ${formatWib(line.waktu)} tidak berada dalam masa penyaluran tahap mana pun dan berkas tidak menyebut tahapnya.`,
        ),
      );
      return { kind: 'RECORDED', lineKey, first: false, findings };
    }

    const key = `${tahapId}#${line.component}#${card?.familyId ?? line.card}`;
    const earlier = this.firsts.get(key) ?? facts.earlier;
    if (earlier?.lineKey === lineKey) return { kind: 'DUPLICATE', lineKey };
    if (earlier) {
      findings.push(
        finding(
          'PENEBUSAN_GANDA',
          `Komponen ${line.component} tahap ${tahapId} sudah ditebus dengan kartu ${earlier.card} pada ${formatWib(earlier.waktu)} di terminal ${earlier.terminal}${earlier.bankRef ? ` (referensi bank ${earlier.bankRef})` : ''}; ditebus lagi dengan kartu ${line.card} pada ${formatWib(line.waktu)} di terminal ${line.terminal}${line.bankRef ? ` (referensi bank ${line.bankRef})` : ''}.`,
          {
            card: earlier.card,
            terminal: earlier.terminal,
            waktu: earlier.waktu,
            ...(earlier.bankRef !== undefined ? { bankRef: earlier.bankRef } : {}),
          },
        ),
      );
      return { kind: 'RECORDED', lineKey, key, tahapId, first: false, findings };
    }
    this.firsts.set(key, {
      card: line.card,
      terminal: line.terminal,
      waktu: line.waktu,
      jumlah: line.jumlah,
      ...(line.bankRef !== undefined ? { bankRef: line.bankRef } : {}),
      lineKey,
    });
    return { kind: 'RECORDED', lineKey, key, tahapId, first: true, findings };
  }
}

/**
 * The registry's own check, without any transaction: every penerima NIK holding more than one
 * active card, in one pass over the cards (grouped by NIK by the caller's query, or any order:
 * the map holds one entry per NIK seen). Findings mask the NIK.
 *
 * Not run on a schedule: the EDC import's check (`functions/family-import/edc-file.ts`) sees every
 * card of a NIK, in any kabupaten, through the NIK → card lookup (complete once
 * `scripts/backfill-nik-card-lookup.ts` has run), at each redemption of any of them, which is where
 * a second card is used; the eligibility run keeps one person out of two families (unless a field
 * visit kept both) before any card is numbered. See the README (EDC transactions).
 */
export function nikWithTwoCards(cards: Iterable<CardFacts>): EdcFinding[] {
  const byNik = new Map<string, string[]>();
  for (const card of cards) {
    if (card.penerimaNik === undefined || !isCardActive(card.status)) continue;
    const list = byNik.get(card.penerimaNik);
    if (list) {
      if (!list.includes(card.number)) list.push(card.number);
    } else byNik.set(card.penerimaNik, [card.number]);
  }
  const findings: EdcFinding[] = [];
  for (const [nik, numbers] of byNik) {
    if (numbers.length < 2) continue;
    findings.push(
      finding(
        'NIK_DUA_KARTU',
        `NIK penerima ${maskNik(nik)} memegang ${numbers.length} kartu aktif: ${numbers.sort().join(', ')}. Satu KK satu kartu: blokir kartu yang tidak berhak.`,
      ),
    );
  }
  return findings;
}
