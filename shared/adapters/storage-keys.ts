import * as z from 'zod';
import { PeriodSchema } from '../domain/period.ts';
import { lazySchema } from '../lazy-schema.ts';
import type { ImportKind } from '../model.ts';

/**
 * Every S3 key the backend writes or reads, in one place (the DynamoDB keys are named beside it, in
 * `keys.ts`). The prefixes are also what the stacks grant and trigger on (`resources.ts` re-exports
 * them for the CDK app and the local stack).
 *
 * | bucket    | key                                              | written by                   |
 * |-----------|--------------------------------------------------|------------------------------|
 * | uploads   | `uploads/<region>/<period>/<uploadId>.<ext>`     | the operator (presigned PUT) |
 * | uploads   | `disbursements/<yyyy-mm-dd>/<file>`              | Bank Kalteng                 |
 * | uploads   | `imports/<kind>/<importId>.<ext>`                | the family programme's files (presigned PUT) |
 * | documents | `reports/uploads/<region>/<period>/<uploadId>.csv` | the recipient import       |
 * | documents | `reports/disbursements/<yyyy-mm-dd>/<file>`      | the bank report import       |
 * | documents | `reports/imports/<importId>.csv`                 | the family file imports      |
 * | documents | `reports/snapshots/<region>/<versionDate>/<kk>-<art>.csv` | a snapshot's cross-check |
 * | documents | `files/verval/<tahapId>/<desaCode>/<runId>.xlsx`  | the verval sheet route        |
 * | documents | `files/kartu/<region>/cetak-<time>.csv`          | the card print file route     |
 * | documents | `files/dasbor/<tahapId>/<scope>-<level>-<time>.<ext>` | the dashboard export route |
 * | documents | `files/bulog/<tahapId>/<region>/<desaCode>-<jobId>.csv` | the distribution lists job (BULOG) |
 * | documents | `files/bank/<tahapId>/<region>/rekening-<requestId>.csv` | the account-opening job |
 * | documents | `files/bank/<tahapId>/<region>/<fileId>.csv` and `.kontrol.csv` | the instruction job |
 * | documents | `decrees/<year>/<decreeId>.pdf`                  | the decree worker, once      |
 * | documents | `reports/reconciliations/<runId>.csv` and `.json` | the reconciliation          |
 * | documents | `reports/watchdog/<runId>.csv` and `.json`       | the pipeline watchdog        |
 */
export const PREFIXES = {
  uploads: 'uploads/',
  disbursements: 'disbursements/',
  /** The family programme's files (DTSEN extracts, exclusion lists), in the uploads bucket. */
  imports: 'imports/',
  /** Error reports of those files, in the documents bucket. */
  importReports: 'reports/imports/',
  /** Cross-check reports of DTSEN snapshots, in the documents bucket. */
  snapshotReports: 'reports/snapshots/',
  /** Files the system generates for people to download (verval sheets), in the documents bucket. */
  files: 'files/',
  /**
   * Files made for Bank Kalteng (account-opening requests, payment instructions) and for BULOG
   * (distribution lists), by the families worker; each party's machine client fetches only its own
   * prefix's files (`shared/domain/exchange.ts`).
   */
  bankFiles: 'files/bank/',
  bulogFiles: 'files/bulog/',
  errorReports: 'reports/uploads/',
  /** Decree PDFs in the documents bucket: `decrees/<year>/<decreeId>.pdf`, written once, locked. */
  decrees: 'decrees/',
  /** Error reports of bank disbursement reports, in the documents bucket. */
  bankReportErrors: 'reports/disbursements/',
  /** Reconciliation reports in the documents bucket: `reports/reconciliations/<runId>.csv|.json`. */
  reconciliationReports: 'reports/reconciliations/',
  /** Pipeline watchdog reports in the documents bucket: `reports/watchdog/<runId>.csv|.json`. */
  watchdogReports: 'reports/watchdog/',
} as const;

// --- Recipient uploads ------------------------------------------------------------------------------

/**
 * `uploads/<region>/<period>/<uploadId>.<ext>` (interfaces.md §2). The region is a Kemendagri code;
 * the upload id is whatever `POST /uploads` issued, or any safe name when a file is put there by
 * other means (console, CLI).
 */
const UploadKeySchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    region: z.string().regex(/^62\.\d{2}$/),
    period: PeriodSchema,
    uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    extension: z.string(),
  }),
);
export type UploadKey = z.infer<typeof UploadKeySchema>;

export function parseUploadKey(key: string): UploadKey | undefined {
  if (!key.startsWith(PREFIXES.uploads)) return undefined;
  const parts = key.slice(PREFIXES.uploads.length).split('/');
  if (parts.length !== 3) return undefined;
  const [region, period, file] = parts as [string, string, string];
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const parsed = UploadKeySchema.safeParse({
    region,
    period,
    uploadId: file.slice(0, dot),
    extension: file.slice(dot + 1).toLowerCase(),
  });
  return parsed.success ? parsed.data : undefined;
}

export const uploadObjectKey = (region: string, period: string, uploadId: string, extension: string) =>
  `${PREFIXES.uploads}${region}/${period}/${uploadId}.${extension}`;

/** The error report of an upload, in the documents bucket. */
export const errorReportKey = (region: string, period: string, uploadId: string) =>
  `${PREFIXES.errorReports}${region}/${period}/${uploadId}.csv`;

// --- Family programme files -------------------------------------------------------------------------

/** How each kind of family file is named in its S3 key (`imports/dtsen-keluarga/<importId>.csv`). */
export const IMPORT_KIND_FOLDERS = {
  DTSEN_KELUARGA: 'dtsen-keluarga',
  DTSEN_ANGGOTA: 'dtsen-anggota',
  PENGECUALIAN: 'pengecualian',
  HASIL_VERVAL: 'hasil-verval',
  STATUS_KARTU: 'status-kartu',
  BAST: 'bast',
  EDC: 'edc',
  JAWABAN_REKENING: 'jawaban-rekening',
} as const satisfies Record<ImportKind, string>;

export interface ImportKey {
  readonly kind: ImportKind;
  readonly importId: string;
  readonly extension: string;
}

const IMPORT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `imports/<kind>/<importId>.<ext>` taken apart; undefined for any other key. */
export function parseImportKey(key: string): ImportKey | undefined {
  if (!key.startsWith(PREFIXES.imports)) return undefined;
  const parts = key.slice(PREFIXES.imports.length).split('/');
  if (parts.length !== 2) return undefined;
  const [folder, file] = parts as [string, string];
  const kind = (Object.keys(IMPORT_KIND_FOLDERS) as ImportKind[]).find(
    (candidate) => IMPORT_KIND_FOLDERS[candidate] === folder,
  );
  const dot = file.lastIndexOf('.');
  if (!kind || dot <= 0) return undefined;
  const importId = file.slice(0, dot);
  if (!IMPORT_ID.test(importId)) return undefined;
  return { kind, importId, extension: file.slice(dot + 1).toLowerCase() };
}

/** The folder of one import kind, `imports/jawaban-rekening/`: what a machine client's answer route may write. */
export const importFolder = (kind: ImportKind) => `${PREFIXES.imports}${IMPORT_KIND_FOLDERS[kind]}/`;

export const importObjectKey = (kind: ImportKind, importId: string, extension: string) =>
  `${PREFIXES.imports}${IMPORT_KIND_FOLDERS[kind]}/${importId}.${extension}`;

/** The error report of a family file import, in the documents bucket. */
export const importReportKey = (importId: string) => `${PREFIXES.importReports}${importId}.csv`;

/** The cross-check report of a snapshot's pair of imports (the same pair always writes the same key). */
export const snapshotReportKey = (
  region: string,
  versionDate: string,
  pair: { families: string; members: string },
) => `${PREFIXES.snapshotReports}${region}/${versionDate}/${pair.families}-${pair.members}.csv`;

/** A desa's verval sheet for the tahap's eligibility run (the same run always makes the same sheet). */
export const vervalSheetKey = (tahapId: string, desaCode: string, runId: string) =>
  `${PREFIXES.files}verval/${tahapId}/${desaCode}/${runId}.xlsx`;

/**
 * A desa's distribution list for BULOG (the titik bagi's file) of one lists job: each run of the
 * lists writes its own object, registered in the exchange under its own file id and SHA-256, so a
 * later run never changes the bytes of a file BULOG may have fetched (a redelivered job rewrites its
 * own key with the same rows).
 */
export const foodListFileKey = (tahapId: string, region: string, desaCode: string, jobId: string) =>
  `${PREFIXES.bulogFiles}${tahapId}/${region}/${desaCode}-${jobId}.csv`;

/** A card print file of a kabupaten, made at `at` (one per request: the printer gets what was waiting then). */
/** A dashboard export (counts only): `files/dasbor/<tahapId>/<scope>-<level>-<time>.<csv|xlsx>`. */
export const dashboardExportKey = (
  tahapId: string,
  scope: string,
  level: string,
  at: Date,
  format: 'csv' | 'xlsx',
) =>
  `${PREFIXES.files}dasbor/${tahapId}/${scope}-${level}-${at.toISOString().replace(/[-:.]/g, '')}.${format}`;

export const cardPrintFileKey = (region: string, at: Date) =>
  `${PREFIXES.files}kartu/${region}/cetak-${at.toISOString().replace(/[-:.]/g, '')}.csv`;

/** An account-opening request for Bank Kalteng (one per request id). */
export const accountRequestFileKey = (tahapId: string, region: string, requestId: string) =>
  `${PREFIXES.bankFiles}${tahapId}/${region}/rekening-${requestId}.csv`;

/** A payment instruction file and its control file (one pair per file id, rewritten identically). */
export const instructionFileKeys = (tahapId: string, region: string, fileId: string) => ({
  file: `${PREFIXES.bankFiles}${tahapId}/${region}/${fileId}.csv`,
  control: `${PREFIXES.bankFiles}${tahapId}/${region}/${fileId}.kontrol.csv`,
});

// --- Bank disbursement reports ----------------------------------------------------------------------

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

/** `disbursements/2026-11-29/harian.csv` → `2026-11-29/harian.csv` (a key without the prefix is kept). */
export const bankReportPath = (s3Key: string) =>
  s3Key.startsWith(PREFIXES.disbursements) ? s3Key.slice(PREFIXES.disbursements.length) : s3Key;

/**
 * Where the error report of a bank report goes in the documents bucket: its path mirrored under
 * `reports/disbursements/` (`reports/disbursements/2026-11-29/harian.csv`). Only CSV reports get one,
 * so it is always a `.csv` and never collides with another report's.
 */
export const bankErrorReportKey = (report: BankReportKey): string =>
  `${PREFIXES.bankReportErrors}${report.reportDate}/${report.file}`;

// --- Decrees ----------------------------------------------------------------------------------------

/** Where a decree's PDF is kept: written once, under a key that names the decree. */
export const decreePdfKey = (decree: { readonly year: number; readonly decreeId: string }): string =>
  `${PREFIXES.decrees}${decree.year}/${decree.decreeId}.pdf`;

/** `188.44/7/2026` → `SK-188.44-7-2026.pdf`: the name a download is saved under. */
export const decreeFilename = (number: string): string => `SK-${number.replace(/[^0-9A-Za-z.]+/g, '-')}.pdf`;

// --- Reconciliation reports -------------------------------------------------------------------------

/** A reconciliation run's report, as CSV (for auditors, in Excel) and JSON. */
export const reconciliationReportKeys = (runId: string) => ({
  csv: `${PREFIXES.reconciliationReports}${runId}.csv`,
  json: `${PREFIXES.reconciliationReports}${runId}.json`,
});

// --- Pipeline watchdog reports ----------------------------------------------------------------------

/** A watchdog run's report, as CSV (for the operators, in Excel) and a JSON summary. */
export const watchdogReportKeys = (runId: string) => ({
  csv: `${PREFIXES.watchdogReports}${runId}.csv`,
  json: `${PREFIXES.watchdogReports}${runId}.json`,
});
