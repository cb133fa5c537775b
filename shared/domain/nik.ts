/**
 * NIK (Nomor Induk Kependudukan), the 16-digit national ID number: `PP KK CC DDMMYY SSSS` (domain.md).
 * Province, kabupaten/kota and kecamatan of first registration (Kemendagri codes), birth date (day
 * + 40 for women), serial. There is no checksum, so only structure can be checked.
 *
 * A NIK is personal data (UU PDP No. 27/2022): messages here never quote it; use `maskNik` from
 * `mask.ts` wherever one has to be shown.
 */
import type { IssueCode } from './issues.ts';

export type NikResult =
  | { readonly ok: true; readonly nik: string; readonly cleaned: boolean }
  | { readonly ok: false; readonly code: IssueCode; readonly message: string };

/** Province codes in use (Aceh 11 … Papua Barat Daya 96); NIKs keep the code of first registration. */
const PROVINCES: ReadonlySet<string> = new Set([
  ...['11', '12', '13', '14', '15', '16', '17', '18', '19', '21'],
  ...['31', '32', '33', '34', '35', '36', '51', '52', '53'],
  ...['61', '62', '63', '64', '65', '71', '72', '73', '74', '75', '76'],
  ...['81', '82', '91', '92', '93', '94', '95', '96'],
]);

/** Excel's text marker, and the typographic quotes Word or WhatsApp turn it into. */
const LEADING_QUOTES = /^['‘’`]+/;
/** Separators people type inside long numbers: spaces (any kind), dots, hyphens and dashes. */
const SEPARATORS = /[\s.\u2010-\u2015\u2212-]+/g;
/** `6.2031E+15`, `6,2031E+15`, `6.20310101900001e15`: Excel's scientific display of a number. */
const SCIENTIFIC = /^\d+(?:[.,]\d+)?e\+?\d+$/i;

const FIX_IN_EXCEL =
  'Di Excel, blok kolom NIK, pilih Format Cells > Text, lalu ketik atau tempel ulang NIK dari sumber aslinya (KTP/KK atau data Dukcapil) sebelum menyimpan.';

/**
 * Excel's scientific notation: the digits past the shown ones are gone for good, so the value must
 * be refused rather than "repaired". Exported for account numbers, which suffer the same damage.
 */
export const isScientificNotation = (value: string): boolean =>
  SCIENTIFIC.test(value.replace(LEADING_QUOTES, '').replace(/\s+/g, ''));

/** Excel keeps 15 significant digits of a number typed into a cell; the rest become zeros. */
const EXCEL_SIGNIFICANT_DIGITS = 15;

/**
 * The digits of a whole number that a spreadsheet cell holds as a NUMBER (not as text), when they
 * are certainly the digits that were meant; undefined when they may not be. This is where long
 * numbers in XLSX files are judged, NIKs and account numbers alike (the reader does not know the
 * column, and the rule is the same for both):
 *
 * - up to 15 digits: exact. Excel keeps 15 significant digits, and every whole number of that size
 *   is stored exactly. (A leading zero is gone, but that is the length check's business.)
 * - 16 digits and below 2^53, last digit not 0: exact. Excel typing cannot produce it (it zeroes
 *   the 16th digit), so a program wrote it, and a double holds every whole number below 2^53.
 * - 16 digits ending in 0: suspect. It may be a 16-digit NIK or account typed into a Number cell,
 *   its last digit zeroed by Excel; nothing in the file tells the two apart. Digits are counted, not
 *   "significant" digits: `1234567890123400` may just as well have been `…3401` typed in Excel.
 * - 2^53 (9,007,199,254,740,992) or more: never certainly exact (doubles there are 2 apart or more,
 *   and every number of 17 digits or more is that large). This includes every NIK of the provinces
 *   91–96 (Papua), which therefore has to be written as text.
 *
 * Negative and fractional numbers are no NIK or account: undefined, so that the caller keeps them
 * as they are shown.
 */
export function exactCellDigits(value: number): string | undefined {
  if (!Number.isSafeInteger(value) || value < 0) return undefined;
  const digits = String(value); // below 2^53 (< 1e21), String gives the exact digits, never E-notation
  if (digits.length <= EXCEL_SIGNIFICANT_DIGITS) return digits;
  return digits.endsWith('0') ? undefined : digits;
}

/**
 * Removes what spreadsheets and people add around a long number: surrounding whitespace, a leading
 * apostrophe, spaces, dots and dashes inside. `changed` is true when anything other than surrounding
 * whitespace went.
 */
export function cleanDigits(raw: string): { readonly value: string; readonly changed: boolean } {
  const trimmed = raw.trim();
  const value = trimmed.replace(LEADING_QUOTES, '').replace(SEPARATORS, '');
  return { value, changed: value !== trimmed };
}

/** Distinct characters of `value` that are not digits, quoted for a message (at most five). */
export function quoteNonDigits(value: string): string {
  const found = [...new Set(value.replace(/\d/g, ''))].slice(0, 5);
  return found.map((char) => `"${char}"`).join(', ');
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * Checks the birth-date part `DDMMYY` (women: DD + 40). Returns a message, or undefined if valid.
 * 29 February is always allowed: the two-digit year cannot tell a leap year from a non-leap one for
 * every century, and refusing a NIK that Dukcapil issued would stop a payment.
 */
function birthDateProblem(nik: string): string | undefined {
  const rawDay = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const day = rawDay > 40 ? rawDay - 40 : rawDay;
  if (rawDay === 0 || (rawDay > 31 && rawDay < 41) || rawDay > 71) {
    return `angka tanggal lahir (angka ke-7 dan ke-8) bernilai ${String(rawDay).padStart(2, '0')}, padahal harus 01–31 (laki-laki) atau 41–71 (perempuan)`;
  }
  if (month < 1 || month > 12) {
    return `angka bulan lahir (angka ke-9 dan ke-10) bernilai ${String(month).padStart(2, '0')}, padahal harus 01–12`;
  }
  const maxDay = DAYS_IN_MONTH[month - 1] ?? 31;
  if (day > maxDay) return `tanggal lahirnya ${day}/${month}, padahal bulan itu hanya ${maxDay} hari`;
  return undefined;
}

/**
 * Reads a NIK cell. Cleans what can be cleaned without guessing (spaces, dots, dashes, a leading
 * apostrophe: `cleaned` says so, for an informational warning) and refuses what cannot be repaired,
 * with a message in Bahasa Indonesia that says why and how to fix it. Reports the first problem found.
 */
export function parseNik(raw: string): NikResult {
  const { value, changed } = cleanDigits(raw);
  if (value === '')
    return { ok: false, code: 'NIK_REQUIRED', message: 'NIK wajib diisi: 16 angka sesuai KTP/KK.' };
  if (isScientificNotation(value) || isScientificNotation(raw)) {
    return {
      ok: false,
      code: 'NIK_SCIENTIFIC',
      message:
        'NIK tertulis sebagai angka ilmiah (seperti 6.2031E+15) karena kolom NIK di Excel berformat angka; ' +
        `angka-angka terakhirnya sudah hilang dan tidak dapat dipulihkan dari berkas ini. ${FIX_IN_EXCEL}`,
    };
  }
  if (!/^\d+$/.test(value)) {
    const letters = /[OoIl]/.test(value) ? ' Huruf O, I atau l sering tertukar dengan angka 0 dan 1.' : '';
    return {
      ok: false,
      code: 'NIK_INVALID_CHARS',
      message: `NIK hanya boleh berisi angka, tetapi memuat ${quoteNonDigits(value)}.${letters} Perbaiki sesuai KTP/KK.`,
    };
  }
  if (value.length === 15) {
    return {
      ok: false,
      code: 'NIK_LENGTH',
      message:
        'NIK hanya 15 angka, seharusnya 16. Kemungkinan satu angka hilang saat diolah di Excel (kolom NIK berformat angka), ' +
        `atau salah ketik. ${FIX_IN_EXCEL}`,
    };
  }
  if (value.length !== 16) {
    return {
      ok: false,
      code: 'NIK_LENGTH',
      message: `NIK harus 16 angka, tetapi yang tertulis ${value.length} angka. Periksa kembali sesuai KTP/KK.`,
    };
  }
  const province = value.slice(0, 2);
  if (!PROVINCES.has(province)) {
    return {
      ok: false,
      code: 'NIK_PROVINCE',
      message: `Dua angka pertama NIK (kode provinsi) adalah ${province}, yang bukan kode provinsi mana pun. NIK Kalimantan Tengah diawali 62. Periksa kembali sesuai KTP/KK.`,
    };
  }
  if (value.slice(2, 4) === '00' || value.slice(4, 6) === '00') {
    return {
      ok: false,
      code: 'NIK_PROVINCE',
      message:
        'Kode kabupaten/kota (angka ke-3 dan ke-4) atau kode kecamatan (angka ke-5 dan ke-6) pada NIK bernilai 00, yang tidak mungkin. Periksa kembali sesuai KTP/KK.',
    };
  }
  const dateProblem = birthDateProblem(value);
  if (dateProblem) {
    return {
      ok: false,
      code: 'NIK_DATE',
      message: `Bagian tanggal lahir pada NIK tidak mungkin: ${dateProblem}. Periksa kembali sesuai KTP/KK.`,
    };
  }
  if (value.endsWith('0000')) {
    return {
      ok: false,
      code: 'NIK_SERIAL',
      message: 'Nomor urut pada NIK (4 angka terakhir) tidak boleh 0000. Periksa kembali sesuai KTP/KK.',
    };
  }
  return { ok: true, nik: value, cleaned: changed };
}

/** Kemendagri code of the kabupaten/kota where the NIK was first registered: `6203…` → `62.03`. */
export const nikRegion = (nik: string): string => `${nik.slice(0, 2)}.${nik.slice(2, 4)}`;

/** Kemendagri code of the kecamatan of first registration: `620301…` → `62.03.01`. */
export const nikKecamatan = (nik: string): string =>
  `${nik.slice(0, 2)}.${nik.slice(2, 4)}.${nik.slice(4, 6)}`;

export interface NikBirthDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly female: boolean;
}

function assertNikShape(nik: string): void {
  if (!/^\d{16}$/.test(nik)) throw new RangeError('Not a 16-digit NIK');
}

/**
 * Birth date and sex encoded in a NIK that {@link parseNik} accepted. The two-digit year is read as
 * the latest century that does not put the birth after `today` (so `…0101 25…` is 2025 in 2026, and
 * `…0101 30…` is 1930).
 *
 * @throws RangeError when `nik` is not 16 digits.
 */
export function nikBirthDate(nik: string, today: Date): NikBirthDate {
  assertNikShape(nik);
  const rawDay = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const twoDigitYear = Number(nik.slice(10, 12));
  const female = rawDay > 40;
  const day = female ? rawDay - 40 : rawDay;
  const century = Math.floor(today.getUTCFullYear() / 100) * 100;
  let year = century + twoDigitYear;
  if (compareDate(year, month, day, today) > 0) year -= 100;
  return { year, month, day, female };
}

/** Completed years of age on `date`, from the birth date in the NIK. */
export function ageOn(nik: string, date: Date): number {
  const birth = nikBirthDate(nik, date);
  const hadBirthday =
    date.getUTCMonth() + 1 > birth.month ||
    (date.getUTCMonth() + 1 === birth.month && date.getUTCDate() >= birth.day);
  return date.getUTCFullYear() - birth.year - (hadBirthday ? 0 : 1);
}

function compareDate(year: number, month: number, day: number, date: Date): number {
  return year - date.getUTCFullYear() || month - (date.getUTCMonth() + 1) || day - date.getUTCDate();
}
