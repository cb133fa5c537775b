import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { stringify } from 'csv-stringify';
import type { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { objectCreatedEvent } from '#shared/adapters/lambda-invoker.ts';
import type { ObjectStore } from '#shared/adapters/object-store.ts';
import { ConcurrentChangeError, type ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import type { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import type {
  ReconciliationsRepository,
  RunResults,
  StoredRun,
} from '#shared/adapters/reconciliations-repo.ts';
import {
  PREFIXES,
  parseBankReportKey,
  parseUploadKey,
  reconciliationReportKeys,
} from '#shared/adapters/storage-keys.ts';
import type { UploadsRepository } from '#shared/adapters/uploads-repo.ts';
import { monthsIn } from '#shared/domain/amounts.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import { wibDate } from '#shared/domain/decree.ts';
import { maskAccount, maskNik } from '#shared/domain/mask.ts';
import { STATUS_LABEL } from '#shared/domain/proposal.ts';
import {
  daysBetween,
  FINDING_KINDS,
  FINDING_LABEL,
  type Finding,
  type FindingKind,
  Ledger,
  type LedgerDecree,
  type ObservedPayment,
  WATCHED_STATUSES,
} from '#shared/domain/reconciliation.ts';
import { safeCell } from '#shared/domain/report.ts';
import type { RoleCode } from '#shared/domain/roles.ts';
import { REGIONS } from '#shared/domain/wilayah.ts';
import { planDisbursed } from '#shared/domain/workflow.ts';
import { logger } from '#shared/logger.ts';
import { type ChecksRequested, type DecreeRequested, decreeRequestFor } from '#shared/messages.ts';
import type { DecreeRecord, ProposalRecord, ReconciliationRun } from '#shared/model.ts';

export interface ReconcileConfig {
  readonly uploadsBucket: string;
  readonly documentsBucket: string;
  /** The functions a lost S3 event is re-driven into (asynchronous invoke). */
  readonly importFunctionName: string | undefined;
  readonly disbursementFunctionName: string | undefined;
  /** A proposal in one watched status for longer than this is reported. */
  readonly stuckAfterDays: number;
  /**
   * A file with no import, a SUBMITTED proposal without checks, or an APPROVED one without its
   * decree for longer than this is re-driven (their own workers take minutes at most).
   */
  readonly redriveAfterMinutes: number;
  /** The first year decrees may exist in. */
  readonly firstYear: number;
  /** Rates of the rate table, for a decree issued before it recorded its own amounts. */
  readonly monthlyRates: Readonly<Record<RoleCode, number>>;
  /** The day of the week (WIB, 0 = Sunday) whose scheduled run is a full one (see {@link scopeOf}). */
  readonly fullRunWeekday?: number | undefined;
}

/**
 * What a run reconciles.
 *
 * - `all`: every decree since `firstYear` (lists read whole) against every payment line. Runs
 *   requested through `POST /reconciliations` / `npm run reconcile`, and the scheduled run of
 *   `fullRunWeekday` (weekly). Only a full run moves a proposal to DISBURSED.
 * - `open` (every other scheduled run): open work only, so its cost grows with open work, not with
 *   years of history. A decree is **closed** once its proposal is DISBURSED (every recipient
 *   received exactly their amount, net, as a full run saw it): its list is no longer read. The
 *   ledger holds the decrees in force whose proposal is not DISBURSED, and every revoked decree
 *   (rare, and needed to report PAID_UNDER_REVOKED). A payment line is judged only if it could
 *   concern them: it names one of their numbers, or (naming none of them, and no closed decree)
 *   its account (else its NIK) is one of their recipients' and it is dated on or after the earliest
 *   of those decrees' dates (a transfer does not precede its decree). Every other line is left to
 *   the full run and counted (`skipped.paymentLines`).
 *
 * What an `open` run therefore no longer sees (the next full run does): UNKNOWN_PAYEE (a line
 * matching no open recipient may be a closed decree's, which the run cannot tell without reading
 * the closed lists); lines arriving late for a closed decree (a second transfer, PAID_TWICE, or a
 * RETUR after closing); lines dated before the open decree they would pay; PDF integrity of closed
 * decrees. It reports but never disburses: a line for a closed decree that names no decree can
 * match the same person in the next period's open decree, and only a run that also holds the
 * closed decree attributes it as the rules say (`shared/domain/reconciliation.ts`). Payment lines
 * are still all read from the table (32 Queries and their pages): it stores them by bank reference
 * only, so narrowing that read needs an index by date there.
 */
export type ReconcileScope = 'open' | 'all';

/** The scope of a run: API runs are full; scheduled runs are `open`, except on `fullRunWeekday` (WIB). */
export function scopeOf(
  trigger: ReconciliationRun['trigger'],
  at: Date,
  config: Pick<ReconcileConfig, 'fullRunWeekday'>,
): ReconcileScope {
  if (trigger !== 'schedule') return 'all';
  const weekday = new Date(`${wibDate(at).iso}T00:00:00Z`).getUTCDay();
  return weekday === config.fullRunWeekday ? 'all' : 'open';
}

export interface ReconcileDeps {
  readonly proposals: ProposalsRepository;
  readonly decrees: DecreesRepository;
  readonly recipients: RecipientsRepository;
  readonly payments: { stream(): AsyncIterable<ObservedPayment> };
  readonly uploads: Pick<UploadsRepository, 'get'>;
  readonly bankReports: {
    getByKey(
      key: string,
    ): Promise<{ readonly status: string; readonly startedAt?: string | undefined } | undefined>;
  };
  readonly runs: ReconciliationsRepository;
  readonly objects: ObjectStore;
  readonly invoker: {
    invokeAsync(functionName: string, event: ReturnType<typeof objectCreatedEvent>): Promise<void>;
  };
  readonly checksQueue: { send(message: ChecksRequested): Promise<unknown> } | undefined;
  readonly decreeQueue: { send(message: DecreeRequested): Promise<unknown> } | undefined;
  readonly config: ReconcileConfig;
  readonly now?: () => Date;
}

const SYSTEM: AuditActor = { sub: 'system:reconciliation', name: 'Rekonsiliasi otomatis', role: 'system' };

/** The run a schedule message starts: one per day (WIB), so a redelivered daily message runs once. */
export const dailyRunId = (at: Date): string => `daily-${wibDate(at).iso}`;

const REPORT_COLUMNS = [
  'jenis',
  'uraian',
  'nomor_sk',
  'wilayah',
  'periode',
  'usulan',
  'id_penerima',
  'nama',
  'nik',
  'no_rekening',
  'jumlah_sk',
  'jumlah_dibayar',
  'referensi_bank',
  'keterangan',
];

/**
 * One reconciliation run. Everything is computed afresh from the stored state (decrees, their lists,
 * the payment lines, proposals, uploads, PDFs): nothing is counted incrementally, so a repeated or
 * concurrent run computes the same result, and its only writes are conditional (DISBURSED once per
 * proposal) or idempotent (re-drives into idempotent workers, its own run record and report).
 *
 * Returns the finished run, or undefined when the run was already finished (a redelivery).
 */
export async function runReconciliation(
  runId: string,
  trigger: ReconciliationRun['trigger'],
  deps: ReconcileDeps,
  scope?: ReconcileScope,
): Promise<StoredRun | undefined> {
  const now = deps.now ?? (() => new Date());
  const started = performance.now();
  const startedAt = now();
  const runScope = scope ?? scopeOf(trigger, startedAt, deps.config);
  await deps.runs.request({
    runId,
    trigger,
    status: 'QUEUED',
    requestedAt: startedAt.toISOString(),
    attempt: 0,
  });
  const attempt = await deps.runs.claim(runId, startedAt.toISOString());
  if (attempt === undefined) {
    logger.info('Reconciliation run already finished', { runId });
    return undefined;
  }
  try {
    return await reconcile(runId, trigger, runScope, attempt, deps, startedAt, started);
  } catch (error) {
    // Shown as FAILED (with the reason) until a retry of the message claims the run again.
    await deps.runs.finish(runId, attempt, {
      status: 'FAILED',
      finishedAt: now().toISOString(),
      error: error instanceof Error ? error.message.slice(0, 500) : String(error),
    });
    throw error;
  }
}

async function reconcile(
  runId: string,
  trigger: ReconciliationRun['trigger'],
  scope: ReconcileScope,
  attempt: number,
  deps: ReconcileDeps,
  startedAt: Date,
  started: number,
): Promise<StoredRun | undefined> {
  const now = deps.now ?? (() => new Date());
  const counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, 0])) as Record<FindingKind, number>;
  const keys = reconciliationReportKeys(runId);
  const report = deps.objects.openWrite(deps.config.documentsBucket, keys.csv, 'text/csv; charset=utf-8');
  const csv = stringify({
    delimiter: ';',
    bom: true,
    header: true,
    columns: REPORT_COLUMNS,
    record_delimiter: '\r\n',
  });
  csv.pipe(report.stream);
  const write = async (finding: Finding) => {
    counts[finding.kind]++;
    if (!csv.write(reportLine(finding))) await once(csv, 'drain');
  };

  // 1. What the decrees say: every decree in force and every revoked one (to recognise payments
  // under it); in an `open` run, closed decrees (proposal DISBURSED) only by their number.
  const decrees = await allDecrees(deps, startedAt);
  const closed = scope === 'open' ? await closedDecrees(deps, decrees) : new Set<string>();
  const ledgerDecrees: LedgerDecree[] = decrees.flatMap((decree) =>
    (decree.status === 'ISSUED' && !closed.has(decree.decreeId)) || decree.status === 'REVOKED'
      ? [{ ...decree, status: decree.status }]
      : [],
  );
  const ledger = new Ledger(ledgerDecrees);
  const reach =
    scope === 'open'
      ? new OpenReach(
          ledgerDecrees.map((decree) => decree.number),
          decrees.filter((decree) => closed.has(decree.decreeId)).map((decree) => decree.number),
        )
      : undefined;
  const incomplete = new Set<string>();
  for (const decree of ledgerDecrees) {
    const record = decrees.find((candidate) => candidate.decreeId === decree.decreeId);
    const amounts = amountsOf(record, deps.config);
    let read = 0;
    for await (const { recipient } of deps.recipients.stream(record?.listId ?? '')) {
      read++;
      reach?.add(recipient.noRekening, recipient.nik, record?.decreeDate ?? '');
      ledger.addExpected(decree.decreeId, {
        recipientId: recipient.recipientId,
        noRekening: recipient.noRekening,
        nik: recipient.nik,
        nama: recipient.nama,
        amount: amounts[recipient.peran] ?? 0,
      });
    }
    if (read !== record?.recipientCount) {
      // A decree whose list cannot be read whole is never called paid (and is reported).
      incomplete.add(decree.decreeId);
      await write({
        kind: 'DECREE_LIST_INCOMPLETE',
        decreeNumber: decree.number,
        region: decree.region,
        period: decree.period,
        proposalId: decree.proposalId,
        detail: `${read} dari ${record?.recipientCount ?? '?'} penerima terbaca`,
      });
    }
  }
  // 2. What the bank says: a line that is a finding by itself is written at once (nothing kept).
  let skippedLines = 0;
  for await (const line of deps.payments.stream()) {
    if (reach && !reach.concerns(line)) {
      skippedLines++;
      continue;
    }
    const finding = ledger.addPayment(line);
    if (finding) await write(finding);
  }
  for (const finding of ledger.findings()) await write(finding);
  const summaries = ledger
    .summaries()
    .map((summary) => (incomplete.has(summary.decreeId) ? { ...summary, fullyPaid: false } : summary));

  // 3. A decree fully paid: its proposal is DISBURSED (conditional: once, whoever runs first); only
  // by a full run, which holds every decree a line could belong to.
  const disbursed: string[] = [];
  for (const summary of summaries.filter((candidate) => scope === 'all' && candidate.fullyPaid)) {
    const proposal = await deps.proposals.get(summary.proposalId);
    if (proposal?.status !== 'DECREED') continue;
    try {
      const at = now().toISOString();
      await deps.proposals.apply(proposal, planDisbursed(proposal, { runId, ...summary }), SYSTEM, at);
      disbursed.push(proposal.proposalId);
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      logger.info('Proposal changed while reconciling (another run disbursed it first?)', {
        proposalId: proposal.proposalId,
      });
    }
  }

  // 4. The pipeline: stuck proposals (re-driven where a message may have been lost), lost S3
  // events (re-driven), decree PDFs missing or changed.
  const redriven = { uploads: 0, bankReports: 0, checks: 0, decrees: 0 };
  for await (const finding of stuckProposals(deps, startedAt, redriven)) await write(finding);
  for await (const finding of lostUploads(deps, startedAt, redriven)) await write(finding);
  for (const decree of decrees.filter((candidate) => !closed.has(candidate.decreeId))) {
    const finding = await checkPdf(deps, decree);
    if (finding) await write(finding);
  }

  csv.end();
  await report.done();
  const finishedAt = now();
  const results: RunResults = {
    status: 'COMPLETED',
    scope,
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    inputs: {
      decrees: ledgerDecrees.length,
      expected: ledger.expectedCount,
      paymentLines: ledger.paymentLines,
    },
    skipped: { closedDecrees: closed.size, paymentLines: skippedLines },
    counts,
    decrees: summaries,
    disbursed,
    redriven,
    reportKey: keys.csv,
    jsonKey: keys.json,
  };
  await deps.objects.put(
    deps.config.documentsBucket,
    keys.json,
    `${JSON.stringify({ runId, trigger, ...results }, null, 2)}\n`,
    'application/json',
  );
  if (!(await deps.runs.finish(runId, attempt, results))) {
    logger.warn('A later attempt of this reconciliation run took over; its results stand', {
      runId,
      attempt,
    });
  }
  logger.info('Reconciliation run finished', { runId, scope, attempt, counts, disbursed, redriven });
  return deps.runs.get(runId);
}

/** Every decree of every year since the programme's first (a handful per year). */
async function allDecrees(deps: ReconcileDeps, now: Date): Promise<DecreeRecord[]> {
  const years = [];
  for (let year = deps.config.firstYear; year <= wibDate(now).year; year++) years.push(year);
  return (await Promise.all(years.map((year) => deps.decrees.listByYear(year)))).flat();
}

/**
 * The closed decrees among `decrees`: ISSUED, and their proposal DISBURSED (a few proposals per
 * region and period: one Query per region).
 */
async function closedDecrees(deps: ReconcileDeps, decrees: readonly DecreeRecord[]): Promise<Set<string>> {
  const proposals = await deps.proposals.list({ regions: REGIONS.map((region) => region.code) });
  const disbursed = new Set(
    proposals.filter((proposal) => proposal.status === 'DISBURSED').map((proposal) => proposal.proposalId),
  );
  return new Set(
    decrees
      .filter((decree) => decree.status === 'ISSUED' && disbursed.has(decree.proposalId))
      .map((decree) => decree.decreeId),
  );
}

/**
 * Which payment lines an `open` run judges (see {@link ReconcileScope}): one small entry per
 * account and NIK of the open (and revoked) decrees' recipients, with the earliest of their dates.
 */
class OpenReach {
  private readonly open: ReadonlySet<string>;
  private readonly closed: ReadonlySet<string>;
  private readonly byAccount = new Map<string, string>();
  private readonly byNik = new Map<string, string>();

  constructor(openNumbers: readonly string[], closedNumbers: readonly string[]) {
    this.open = new Set(openNumbers);
    this.closed = new Set(closedNumbers);
  }

  add(account: string, nik: string, decreeDate: string): void {
    earliest(this.byAccount, account, decreeDate);
    earliest(this.byNik, nik, decreeDate);
  }

  concerns(line: ObservedPayment): boolean {
    const named = line.nomorSk?.trim();
    if (named && this.closed.has(named)) return false;
    if (named && this.open.has(named)) return true;
    const since = this.byAccount.get(line.noRekening) ?? (line.nik ? this.byNik.get(line.nik) : undefined);
    return since !== undefined && since <= line.transactionDate;
  }
}

function earliest(map: Map<string, string>, key: string, date: string): void {
  const known = map.get(key);
  if (known === undefined || date < known) map.set(key, date);
}

/** What one recipient of each role is paid under the decree: as recorded on it, else the rate table's. */
function amountsOf(
  decree: DecreeRecord | undefined,
  config: ReconcileConfig,
): Readonly<Record<string, number>> {
  if (decree?.amountByRole) return decree.amountByRole;
  const months = monthsIn(decree?.period ?? '');
  return Object.fromEntries(Object.entries(config.monthlyRates).map(([role, rate]) => [role, rate * months]));
}

async function* stuckProposals(
  deps: ReconcileDeps,
  now: Date,
  redriven: { checks: number; decrees: number },
): AsyncGenerator<Finding> {
  const proposals = await deps.proposals.list({ regions: REGIONS.map((region) => region.code) });
  const redriveBefore = now.getTime() - deps.config.redriveAfterMinutes * 60_000;
  for (const proposal of proposals.sort((a, b) => a.proposalId.localeCompare(b.proposalId))) {
    if (!(WATCHED_STATUSES as readonly string[]).includes(proposal.status)) continue;
    const since = new Date(proposal.updatedAt);
    const stale = since.getTime() < redriveBefore;
    const redrive = stale ? await redriveProposal(deps, proposal, now) : undefined;
    if (redrive === 'checks') redriven.checks++;
    if (redrive === 'decree') redriven.decrees++;
    const days = daysBetween(since, now);
    if (days < deps.config.stuckAfterDays && !redrive) continue;
    yield {
      kind: 'PROPOSAL_STUCK',
      region: proposal.region,
      period: proposal.period,
      proposalId: proposal.proposalId,
      detail:
        `Berstatus "${STATUS_LABEL[proposal.status]}" sejak ${since.toISOString().slice(0, 10)} (${days} hari)` +
        (redrive === 'checks' ? '; permintaan pemeriksaan otomatis dikirim ulang' : '') +
        (redrive === 'decree' ? '; permintaan penerbitan SK dikirim ulang' : ''),
    };
  }
}

/**
 * A SUBMITTED proposal whose checks never ran, or an APPROVED one with no finished decree: the
 * message was lost (a failed send after the transaction) or died in a DLQ. Both workers are
 * idempotent, so sending again is safe.
 */
async function redriveProposal(
  deps: ReconcileDeps,
  proposal: ProposalRecord,
  now: Date,
): Promise<'checks' | 'decree' | undefined> {
  if (proposal.status === 'SUBMITTED' && proposal.currentListId && deps.checksQueue) {
    await deps.checksQueue.send({
      type: 'checks.requested',
      proposalId: proposal.proposalId,
      listId: proposal.currentListId,
      trigger: 'submit',
      requestedAt: now.toISOString(),
    });
    return 'checks';
  }
  if (proposal.status === 'APPROVED' && proposal.approvedListId && deps.decreeQueue) {
    const by = proposal.decidedBy ?? { sub: 'system:reconciliation', name: 'Rekonsiliasi otomatis' };
    await deps.decreeQueue.send(decreeRequestFor(proposal, by, proposal.decidedAt ?? proposal.updatedAt));
    return 'decree';
  }
  return undefined;
}

/**
 * Files in the uploads bucket that no import ever picked up (the ObjectCreated event was lost, or
 * the import died without a trace), older than the re-drive delay: each is reported and handed to
 * its import function again.
 */
async function* lostUploads(
  deps: ReconcileDeps,
  now: Date,
  redriven: { uploads: number; bankReports: number },
): AsyncGenerator<Finding> {
  const before = now.getTime() - deps.config.redriveAfterMinutes * 60_000;
  const sources = [
    { prefix: PREFIXES.uploads, fn: deps.config.importFunctionName, kind: 'uploads' as const },
    {
      prefix: PREFIXES.disbursements,
      fn: deps.config.disbursementFunctionName,
      kind: 'bankReports' as const,
    },
  ];
  for (const source of sources) {
    for await (const object of deps.objects.list(deps.config.uploadsBucket, source.prefix)) {
      if (object.lastModified.getTime() >= before) continue;
      const status = await importStatus(deps, source.kind, object.key, before);
      if (status === 'imported' || status === 'foreign') continue;
      // FAILED is final: the import stopped after its last allowed attempt, with its reason on the record.
      const redrive = status === 'FAILED' ? undefined : source.fn;
      if (redrive) {
        await deps.invoker.invokeAsync(
          redrive,
          objectCreatedEvent(deps.config.uploadsBucket, object, object.lastModified),
        );
        redriven[source.kind]++;
      }
      yield {
        kind: 'UPLOAD_NOT_IMPORTED',
        detail:
          `s3://${deps.config.uploadsBucket}/${object.key} (${object.lastModified.toISOString()}): ` +
          (status === 'none' ? 'tidak ada catatan impor' : `impor berhenti pada status ${status}`) +
          (redrive ? '; dikirim ulang ke fungsi impor' : ''),
      };
    }
  }
}

/**
 * Whether a file was imported: `imported` (or refused for good: REJECTED), `none` (no record),
 * `foreign` (not a key the imports take), or the status it stopped in: FAILED, or PROCESSING since
 * before `before` (longer than any import may run, so its attempt is dead).
 */
async function importStatus(
  deps: ReconcileDeps,
  kind: 'uploads' | 'bankReports',
  key: string,
  before: number,
): Promise<'imported' | 'none' | 'foreign' | string> {
  const record =
    kind === 'bankReports'
      ? parseBankReportKey(key)
        ? await deps.bankReports.getByKey(key)
        : 'foreign'
      : await uploadRecord(deps, key);
  if (record === 'foreign') return 'foreign';
  if (!record) return 'none';
  if (record.status === 'FAILED' || record.status === 'AWAITING_FILE') return record.status;
  if (record.status === 'PROCESSING') {
    const since = Date.parse(record.startedAt ?? '');
    return Number.isNaN(since) || since < before ? record.status : 'imported';
  }
  return 'imported';
}

async function uploadRecord(
  deps: ReconcileDeps,
  key: string,
): Promise<{ status: string; startedAt?: string | undefined } | undefined | 'foreign'> {
  const parsed = parseUploadKey(key);
  return parsed ? deps.uploads.get(parsed.uploadId) : 'foreign';
}

/** A decree whose PDF is gone, or whose bytes no longer hash to the SHA-256 recorded when it was issued. */
async function checkPdf(deps: ReconcileDeps, decree: DecreeRecord): Promise<Finding | undefined> {
  if (!decree.pdfKey || !decree.sha256) return undefined;
  const where = {
    decreeNumber: decree.number,
    region: decree.region,
    period: decree.period,
    proposalId: decree.proposalId,
  };
  if (!(await deps.objects.exists(deps.config.documentsBucket, decree.pdfKey))) {
    return {
      ...where,
      kind: 'DECREE_PDF_MISSING',
      detail: `s3://${deps.config.documentsBucket}/${decree.pdfKey}`,
    };
  }
  const stored = await deps.objects.sha256(deps.config.documentsBucket, decree.pdfKey);
  if (stored.sha256 === decree.sha256) return undefined;
  return {
    ...where,
    kind: 'DECREE_PDF_MISMATCH',
    detail: `SHA-256 tercatat ${decree.sha256}, tersimpan ${stored.sha256}`,
  };
}

/** A report line: personal data masked as auditors read it (NIK and account), every cell formula-safe. */
function reportLine(finding: Finding): string[] {
  const cells = [
    finding.kind,
    FINDING_LABEL[finding.kind],
    finding.decreeNumber ?? '',
    finding.region ?? '',
    finding.period ?? '',
    finding.proposalId ?? '',
    finding.recipientId ?? '',
    finding.nama ?? '',
    finding.nik ? maskNik(finding.nik) : '',
    finding.noRekening ? maskAccount(finding.noRekening) : '',
    finding.expectedAmount === undefined ? '' : String(finding.expectedAmount),
    finding.paidAmount === undefined ? '' : String(finding.paidAmount),
    (finding.bankRefs ?? []).join(' '),
    finding.detail ?? '',
  ];
  return cells.map(safeCell);
}
