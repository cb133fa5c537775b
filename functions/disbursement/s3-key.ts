import { PREFIXES } from '#shared/resources.ts';

/** A bank report's S3 key, `disbursements/<yyyy-mm-dd>/<file>`, taken apart. */
export interface BankReportKey {
  /** The whole S3 key (the record's identity). */
  readonly key: string;
  /** The `<yyyy-mm-dd>` folder. */
  readonly reportDate: string;
  /** The file name, extension included. */
  readonly file: string;
  /** Lower-case extension without the dot (`csv`), or '' when the name has none. */
  readonly extension: string;
}

const DATE_FOLDER = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Control characters have no place in a file name the bank chose. */
const CONTROL = /\p{Cc}/u;

/**
 * `disbursements/<yyyy-mm-dd>/<file>`: a real calendar date and one file name (1–200 characters, no
 * further folders). Anything else under the prefix is not a bank report.
 */
export function parseBankReportKey(key: string): BankReportKey | undefined {
  if (!key.startsWith(PREFIXES.disbursements)) return undefined;
  const parts = key.slice(PREFIXES.disbursements.length).split('/');
  if (parts.length !== 2) return undefined;
  const [reportDate, file] = parts as [string, string];
  const date = DATE_FOLDER.exec(reportDate);
  if (!date) return undefined;
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return undefined;
  }
  if (file.length === 0 || file.length > 200 || CONTROL.test(file) || file.startsWith('.')) return undefined;
  const dot = file.lastIndexOf('.');
  return { key, reportDate, file, extension: dot > 0 ? file.slice(dot + 1).toLowerCase() : '' };
}

/**
 * Where the error report of a bank report goes in the documents bucket: its path mirrored under
 * `reports/disbursements/` (`reports/disbursements/2026-11-29/harian.csv`). Only CSV reports get one,
 * so it is always a `.csv` and never collides with another report's.
 */
export const bankErrorReportKey = (report: BankReportKey): string =>
  `${PREFIXES.bankReportErrors}${report.reportDate}/${report.file}`;
