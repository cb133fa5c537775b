/**
 * Calendar dates as offices and extracts write them: `2026-11-29`, `29/11/2026`, `29-11-2026`,
 * `29.11.2026` (day first, as in Indonesia), with or without a time of day after it, and — where a
 * column may have passed through Excel as a number — Excel's date serials (`46355`). Read into ISO
 * `YYYY-MM-DD`; a date the calendar does not have is refused with the reason. One reader for the
 * bank report's transaction date and the DTSEN extract's birth dates, each with its own label and
 * plausible years.
 */
import { foldSpaces } from './text.ts';

export type DateResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly code: 'DATE_REQUIRED' | 'DATE_INVALID'; readonly message: string };

export interface DateRules {
  /** How the column is named in messages: `Tanggal transaksi`, `Tanggal lahir`. */
  readonly label: string;
  readonly minYear: number;
  readonly maxYear: number;
  /** Whether a bare number is read as an Excel date serial (1900 date system). */
  readonly excelSerial?: boolean;
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DAY_FIRST_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
/** A time of day after the date (`29/11/2026 10:15:00`, `2026-11-29T10:15`): read past, not kept. */
const TIME_SUFFIX = /(?:\s+|T)\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:\s*WIB|Z)?$/i;
const SERIAL = /^\d{1,6}(?:\.\d+)?$/;
/** Excel's day 0 in the 1900 system, as counted after its phantom 29 February 1900. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const quote = (value: string) => `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
const iso = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

export function parseDayDate(text: string, rules: DateRules): DateResult {
  const { label } = rules;
  const shown = foldSpaces(text);
  const fail = (code: 'DATE_REQUIRED' | 'DATE_INVALID', message: string): DateResult => ({
    ok: false,
    code,
    message,
  });
  if (shown === '') return fail('DATE_REQUIRED', `${label} wajib diisi, mis. 29/11/2026 atau 2026-11-29.`);
  const value = shown.replace(TIME_SUFFIX, '');
  let year: number;
  let month: number;
  let day: number;
  const isoMatch = ISO_DATE.exec(value);
  const dayFirst = isoMatch ? undefined : DAY_FIRST_DATE.exec(value);
  if (isoMatch) [year, month, day] = [Number(isoMatch[1]), Number(isoMatch[2]), Number(isoMatch[3])];
  else if (dayFirst) [day, month, year] = [Number(dayFirst[1]), Number(dayFirst[3]), Number(dayFirst[4])];
  else if (rules.excelSerial && SERIAL.test(value)) {
    const date = new Date(EXCEL_EPOCH_MS + Math.floor(Number(value)) * DAY_MS);
    [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  } else {
    return fail(
      'DATE_INVALID',
      `${label} ${quote(shown)} tidak dapat dibaca. Tulis sebagai 29/11/2026 (hari/bulan/tahun) atau 2026-11-29.`,
    );
  }
  if (year < rules.minYear || year > rules.maxYear) {
    return fail(
      'DATE_INVALID',
      `${label} ${quote(shown)} memuat tahun ${year}, yang tidak mungkin. Periksa kembali.`,
    );
  }
  if (month < 1 || month > 12) {
    return fail(
      'DATE_INVALID',
      `${label} ${quote(shown)} memuat bulan ${month}, padahal bulan harus 1–12. Tulis tanggal sebagai hari/bulan/tahun, mis. 29/11/2026.`,
    );
  }
  const maxDay = daysInMonth(year, month);
  if (day < 1 || day > maxDay) {
    return fail(
      'DATE_INVALID',
      `${label} ${quote(shown)} tidak ada di kalender: bulan ${month} tahun ${year} hanya ${maxDay} hari.`,
    );
  }
  return { ok: true, value: iso(year, month, day) };
}
