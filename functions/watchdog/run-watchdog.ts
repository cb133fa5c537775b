import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { S3Event } from 'aws-lambda';
import { stringify } from 'csv-stringify';
import type { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import type { ImportsRepository } from '#shared/adapters/imports-repo.ts';
import { objectCreatedEvent } from '#shared/adapters/lambda-invoker.ts';
import type { ObjectStore } from '#shared/adapters/object-store.ts';
import type { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import {
  PREFIXES,
  parseBankReportKey,
  parseImportKey,
  parseUploadKey,
  watchdogReportKeys,
} from '#shared/adapters/storage-keys.ts';
import type { UploadsRepository } from '#shared/adapters/uploads-repo.ts';
import { wibDate } from '#shared/domain/decree.ts';
import {
  type ImportState,
  importStateOf,
  lostFile,
  shouldRedrive,
  stuckProposal,
  WATCHDOG_FINDING_KINDS,
  WATCHDOG_REPORT_COLUMNS,
  type WatchdogFinding,
  type WatchdogFindingKind,
  watchdogReportLine,
} from '#shared/domain/watchdog.ts';
import { REGIONS } from '#shared/domain/wilayah.ts';
import { logger } from '#shared/logger.ts';
import type { DecreeRecord } from '#shared/model.ts';

export interface WatchdogConfig {
  readonly uploadsBucket: string;
  /** Where decree PDFs are, and where the report goes. */
  readonly documentsBucket: string;
  /** The functions a lost S3 event is re-driven into (asynchronous invoke); undefined: report only. */
  readonly importFunctionName: string | undefined;
  readonly disbursementFunctionName: string | undefined;
  readonly familyImportFunctionName: string | undefined;
  /** A proposal in one watched status for this many days or longer is reported. */
  readonly stuckAfterDays: number;
  /** A file with no finished import for longer than this is re-driven (or reported, if FAILED). */
  readonly redriveAfterMinutes: number;
  /** The first year decrees may exist in. */
  readonly firstYear: number;
}

export interface WatchdogDeps {
  readonly proposals: Pick<ProposalsRepository, 'list'>;
  readonly decrees: Pick<DecreesRepository, 'listByYear'>;
  readonly uploads: Pick<UploadsRepository, 'get'>;
  /** The family programme's file imports (`imports/`). */
  readonly imports: Pick<ImportsRepository, 'get'>;
  readonly bankReports: {
    getByKey(
      key: string,
    ): Promise<{ readonly status: string; readonly startedAt?: string | undefined } | undefined>;
  };
  readonly objects: Pick<ObjectStore, 'list' | 'exists' | 'sha256' | 'openWrite' | 'put'>;
  readonly invoker: { invokeAsync(functionName: string, event: S3Event): Promise<void> };
  readonly config: WatchdogConfig;
  readonly now?: () => Date;
}

/** What one run found and did: its JSON summary (and the job's return value). */
export interface WatchdogSummary {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** What was looked at: proposals, files under uploads/ and disbursements/, decree PDFs hashed. */
  readonly checked: { readonly proposals: number; readonly files: number; readonly decreePdfs: number };
  readonly counts: Readonly<Record<WatchdogFindingKind, number>>;
  /** Files handed to their import again. */
  readonly redriven: { readonly uploads: number; readonly bankReports: number; readonly familyFiles: number };
  readonly reportKey: string;
  readonly jsonKey: string;
}

/**
 * The run a scheduled invocation starts: one per hour (UTC), named after the schedule's time, so a
 * retried invocation of the same event rewrites the same report.
 */
export const hourlyRunId = (at: Date): string => `hourly-${at.toISOString().slice(0, 13).replace('T', '-')}`;

/**
 * One watchdog run over the pipeline (not the money: that is the reconciliation's):
 *
 * 1. proposals waiting in a watched status for `stuckAfterDays` or longer: reported only (hand-offs
 *    are written in the same transaction as the status change, through an outbox, so no message to
 *    the checks or decree worker can be lost and nothing is re-sent from here);
 * 2. files under `uploads/` and `disbursements/` that no import finished, older than the re-drive
 *    delay: handed to their import function again (asynchronous invoke, as S3 does; the imports are
 *    idempotent). A FAILED import is final: reported, never re-driven;
 * 3. the PDF of every decree not closed (not ISSUED with its proposal DISBURSED): missing, or its
 *    bytes no longer hashing to the SHA-256 recorded when it was issued.
 *
 * Everything is read afresh; its only writes are re-drives into idempotent imports and its own
 * report (CSV and JSON, keyed by `runId`), so a repeated or concurrent run is harmless.
 */
export async function runWatchdog(runId: string, deps: WatchdogDeps): Promise<WatchdogSummary> {
  const now = deps.now ?? (() => new Date());
  const started = performance.now();
  const startedAt = now();
  const counts = Object.fromEntries(WATCHDOG_FINDING_KINDS.map((kind) => [kind, 0])) as Record<
    WatchdogFindingKind,
    number
  >;
  const keys = watchdogReportKeys(runId);
  const report = deps.objects.openWrite(deps.config.documentsBucket, keys.csv, 'text/csv; charset=utf-8');
  const csv = stringify({
    delimiter: ';',
    bom: true,
    header: true,
    columns: [...WATCHDOG_REPORT_COLUMNS],
    record_delimiter: '\r\n',
  });
  csv.pipe(report.stream);
  const write = async (finding: WatchdogFinding) => {
    counts[finding.kind]++;
    if (!csv.write(watchdogReportLine(finding))) await once(csv, 'drain');
  };

  // One Query per region: every proposal (a few per region and period), for 1. and for which
  // decrees are closed in 3.
  const proposals = (await deps.proposals.list({ regions: REGIONS.map((region) => region.code) })).sort(
    (a, b) => a.proposalId.localeCompare(b.proposalId),
  );
  for (const proposal of proposals) {
    const finding = stuckProposal(proposal, startedAt, deps.config.stuckAfterDays);
    if (finding) await write(finding);
  }

  const redriven = { uploads: 0, bankReports: 0, familyFiles: 0 };
  let files = 0;
  for await (const { finding, source } of lostFiles(deps, startedAt)) {
    files++;
    if (finding?.redriven) redriven[source]++;
    if (finding?.line) await write(finding.line);
  }

  const disbursed = new Set(
    proposals.filter((proposal) => proposal.status === 'DISBURSED').map((proposal) => proposal.proposalId),
  );
  const open = (await allDecrees(deps, startedAt)).filter(
    (decree) => !(decree.status === 'ISSUED' && disbursed.has(decree.proposalId)),
  );
  let decreePdfs = 0;
  for (const decree of open) {
    if (!decree.pdfKey || !decree.sha256) continue;
    decreePdfs++;
    const finding = await checkPdf(deps, decree);
    if (finding) await write(finding);
  }

  csv.end();
  await report.done();
  const summary: WatchdogSummary = {
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    durationMs: Math.round(performance.now() - started),
    checked: { proposals: proposals.length, files, decreePdfs },
    counts,
    redriven,
    reportKey: keys.csv,
    jsonKey: keys.json,
  };
  await deps.objects.put(
    deps.config.documentsBucket,
    keys.json,
    `${JSON.stringify(summary, null, 2)}\n`,
    'application/json',
  );
  // Counts only: the report is where the details are.
  logger.info('Watchdog run finished', {
    runId,
    durationMs: summary.durationMs,
    checked: summary.checked,
    counts,
    redriven,
  });
  return summary;
}

/** Every decree of every year since the programme's first (a handful per year). */
async function allDecrees(deps: WatchdogDeps, now: Date): Promise<DecreeRecord[]> {
  const years = [];
  for (let year = deps.config.firstYear; year <= wibDate(now).year; year++) years.push(year);
  return (await Promise.all(years.map((year) => deps.decrees.listByYear(year)))).flat();
}

type Source = 'uploads' | 'bankReports' | 'familyFiles';

/**
 * Every file under `uploads/` and `disbursements/` (listed page by page), with, for one older than
 * the re-drive delay whose import did not finish, its finding and whether it was re-driven.
 */
async function* lostFiles(
  deps: WatchdogDeps,
  now: Date,
): AsyncGenerator<{ source: Source; finding?: { line: WatchdogFinding | undefined; redriven: boolean } }> {
  const before = now.getTime() - deps.config.redriveAfterMinutes * 60_000;
  const sources = [
    { source: 'uploads' as const, prefix: PREFIXES.uploads, fn: deps.config.importFunctionName },
    {
      source: 'bankReports' as const,
      prefix: PREFIXES.disbursements,
      fn: deps.config.disbursementFunctionName,
    },
    { source: 'familyFiles' as const, prefix: PREFIXES.imports, fn: deps.config.familyImportFunctionName },
  ];
  for (const { source, prefix, fn } of sources) {
    for await (const object of deps.objects.list(deps.config.uploadsBucket, prefix)) {
      if (object.lastModified.getTime() >= before) {
        yield { source };
        continue;
      }
      const state = await importState(deps, source, object.key, before);
      const redrive = shouldRedrive(state) && fn !== undefined;
      if (redrive) {
        await deps.invoker.invokeAsync(
          fn,
          objectCreatedEvent(deps.config.uploadsBucket, object, object.lastModified),
        );
      }
      const line = lostFile({ bucket: deps.config.uploadsBucket, ...object }, state, redrive);
      yield { source, finding: { line, redriven: redrive } };
    }
  }
}

async function importState(
  deps: WatchdogDeps,
  source: Source,
  key: string,
  before: number,
): Promise<ImportState> {
  if (source === 'bankReports') {
    return importStateOf(parseBankReportKey(key) ? await deps.bankReports.getByKey(key) : 'foreign', before);
  }
  if (source === 'familyFiles') {
    // An object with no record was never requested (POST /imports): the import ignores it too.
    const parsed = parseImportKey(key);
    const record = parsed ? await deps.imports.get(parsed.importId) : undefined;
    return importStateOf(record ?? 'foreign', before);
  }
  const parsed = parseUploadKey(key);
  return importStateOf(parsed ? await deps.uploads.get(parsed.uploadId) : 'foreign', before);
}

/** A decree whose PDF is gone, or whose bytes no longer hash to the SHA-256 recorded when it was issued. */
async function checkPdf(deps: WatchdogDeps, decree: DecreeRecord): Promise<WatchdogFinding | undefined> {
  const bucket = deps.config.documentsBucket;
  const where = {
    decreeNumber: decree.number,
    region: decree.region,
    period: decree.period,
    proposalId: decree.proposalId,
    status: decree.status,
    object: `s3://${bucket}/${decree.pdfKey}`,
  };
  if (!decree.pdfKey) return undefined;
  if (!(await deps.objects.exists(bucket, decree.pdfKey))) {
    return { ...where, kind: 'DECREE_PDF_MISSING', detail: 'PDF SK tidak ada di bucket dokumen' };
  }
  const stored = await deps.objects.sha256(bucket, decree.pdfKey);
  if (stored.sha256 === decree.sha256) return undefined;
  return {
    ...where,
    kind: 'DECREE_PDF_MISMATCH',
    detail: `SHA-256 tercatat ${decree.sha256}, tersimpan ${stored.sha256}`,
  };
}
