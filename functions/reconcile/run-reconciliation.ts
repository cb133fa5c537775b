import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { stringify } from 'csv-stringify';
import type { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import type { ObjectStore } from '#shared/adapters/object-store.ts';
import { ConcurrentChangeError, type ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import type { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import type {
  ReconciliationsRepository,
  RunResults,
  StoredRun,
} from '#shared/adapters/reconciliations-repo.ts';
import { reconciliationReportKeys } from '#shared/adapters/storage-keys.ts';
import { monthsIn } from '#shared/domain/amounts.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import { wibDate } from '#shared/domain/decree.ts';
import { maskAccount, maskNik } from '#shared/domain/mask.ts';
import {
  FINDING_KINDS,
  FINDING_LABEL,
  type Finding,
  type FindingKind,
  Ledger,
  type LedgerDecree,
  type ObservedPayment,
  reconciledDecrees,
} from '#shared/domain/reconciliation.ts';
import { safeCell } from '#shared/domain/report.ts';
import type { RoleCode } from '#shared/domain/roles.ts';
import { REGIONS } from '#shared/domain/wilayah.ts';
import { planDisbursed } from '#shared/domain/workflow.ts';
import { logger } from '#shared/logger.ts';
import type { DecreeRecord, ReconciliationRun } from '#shared/model.ts';

export interface ReconcileConfig {
  /** Where the run's report goes. */
  readonly documentsBucket: string;
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
 * RETUR after closing); lines dated before the open decree they would pay. It reports but never
 * disburses: a line for a closed decree that names no decree can match the same person in the next
 * period's open decree, and only a run that also holds the closed decree attributes it as the rules
 * say (`shared/domain/reconciliation.ts`). Payment lines are still all read from the table (32
 * Queries and their pages): it stores them by bank reference only, so narrowing that read needs an
 * index by date there.
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
  readonly proposals: Pick<ProposalsRepository, 'get' | 'list' | 'apply'>;
  readonly decrees: Pick<DecreesRepository, 'listByYear'>;
  readonly recipients: Pick<RecipientsRepository, 'stream'>;
  readonly payments: { stream(): AsyncIterable<ObservedPayment> };
  readonly runs: ReconciliationsRepository;
  readonly objects: Pick<ObjectStore, 'openWrite' | 'put'>;
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
 * One reconciliation run: the ledger only (decrees against payment lines). Everything is computed
 * afresh from the stored state (decrees, their lists, the payment lines, proposals): nothing is
 * counted incrementally, so a repeated or concurrent run computes the same result, and its only
 * writes are conditional (DISBURSED once per proposal) or idempotent (its own run record and
 * report). What is stuck or lost in the pipeline is the watchdog's (`functions/watchdog/`).
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
  logger.info('Reconciliation run finished', { runId, scope, attempt, counts, disbursed });
  return deps.runs.get(runId);
}

/** Every BKK decree of every year since the programme's first (a handful per year). */
async function allDecrees(deps: ReconcileDeps, now: Date): Promise<DecreeRecord[]> {
  const years = [];
  for (let year = deps.config.firstYear; year <= wibDate(now).year; year++) years.push(year);
  // BKK decrees only: a KPM decree's families are paid, and reconciled, another way.
  return reconciledDecrees((await Promise.all(years.map((year) => deps.decrees.listByYear(year)))).flat());
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
