import { type FileTarget, writeCsvFile } from '#shared/adapters/csv-file.ts';
import { CountedBatch, type CountedMove, type DashboardRepository } from '#shared/adapters/dashboard-repo.ts';
import type { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import type { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { PREFIXES } from '#shared/adapters/storage-keys.ts';
import { cashDelta } from '#shared/domain/family/dashboard.ts';
import { closedStatus } from '#shared/domain/family/payments.ts';
import { maskNik } from '#shared/domain/mask.ts';
import {
  type EntitlementOutcome,
  FINDING_LABEL,
  type Finding,
  Ledger,
  type LedgerDecree,
  type ObservedPayment,
} from '#shared/domain/reconciliation.ts';
import { logger } from '#shared/logger.ts';
import type { Entitlement } from '#shared/model.ts';

/** What closing an entitlement is decided on and conditional on. */
type Closable = Pick<
  Entitlement,
  | 'ref'
  | 'tahapId'
  | 'region'
  | 'component'
  | 'noKk'
  | 'desaCode'
  | 'status'
  | 'attempts'
  | 'paidAmount'
  | 'returnedAmount'
  | 'lastAttempt'
>;

export interface ReconcileKpmCashDeps {
  readonly decrees: Pick<DecreesRepository, 'get'>;
  readonly distribution: Pick<
    DistributionRepository,
    'list' | 'entitlements' | 'entitlement' | 'closeAttemptItem'
  >;
  /** The dashboards' counters, moved in the transactions that close the entitlements. */
  readonly dashboard: Pick<DashboardRepository, 'commit'>;
  readonly payments: { stream(): AsyncIterable<ObservedPayment> };
  readonly objects: { openWrite(bucket: string, key: string, contentType: string): FileTarget };
  readonly documentsBucket: string;
  readonly now?: () => Date;
}

export interface KpmCashResult {
  /** Absent when the tahap has no open distribution (nothing to reconcile, no file written). */
  readonly reportKey?: string | undefined;
  readonly findings: number;
  readonly entitlements: number;
  readonly closed: {
    readonly DITERIMA: number;
    readonly GAGAL: number;
    readonly unchanged: number;
    readonly moved: number;
  };
  readonly ignoredLines: number;
}

/** The findings file's columns (masked NIK; the entitlement's reference names no person). */
const FINDING_COLUMNS = [
  'Temuan',
  'Keterangan',
  'Kabupaten/Kota',
  'Nomor SK',
  'Referensi Hak',
  'NIK',
  'Jumlah Hak',
  'Jumlah Dibayar',
  'Referensi Bank',
  'Rincian',
] as const;

/** Where a run's findings go: beside the BKK reconciliation reports. */
export const kpmCashReportKey = (tahapId: string, runId: string) =>
  `${PREFIXES.reconciliationReports}kpm-${tahapId}-${runId}.csv`;

/**
 * The KPM cash reconciliation of one tahap (issue #15): every kabupaten's KPM decree (from its
 * distribution record) and every TUNAI entitlement instructed at least once, with each attempt's
 * account, go into the `Ledger` with the KPM scope; every stored bank line streams through it
 * (lines matched by their KHBS reference only); the findings are written as CSV; then each
 * entitlement is closed (`entitlementOutcomes()` → `closedStatus`): DITERIMA, GAGAL with the last
 * attempt's outcome (ready for a follow-up), or unchanged; and its received and returned amounts
 * are recorded for the BKAD money view. Each write is conditional on the status and attempts read
 * when the run began: an entitlement instructed again meanwhile is left for the next run.
 *
 * Memory: the ledger's small entry per instructed entitlement and a reference → key map (~100
 * bytes each: ~30 MB at 300,000). Run by the reconciliation worker after each BKK run, for every
 * tahap past its decree (`reconcileKpmTahap` in `handler.ts`).
 */
export async function reconcileKpmCash(
  tahapId: string,
  runId: string,
  deps: ReconcileKpmCashDeps,
): Promise<KpmCashResult> {
  const now = deps.now ?? (() => new Date());
  const decrees: LedgerDecree[] = [];
  const regions: { region: string; decreeId: string }[] = [];
  for (const record of await deps.distribution.list(tahapId)) {
    if (record.status !== 'OPEN') continue;
    const decree = await deps.decrees.get(record.decreeId);
    if (!decree || (decree.status !== 'ISSUED' && decree.status !== 'REVOKED')) continue;
    decrees.push({
      decreeId: decree.decreeId,
      number: decree.number,
      year: decree.year,
      seq: decree.seq,
      proposalId: decree.proposalId,
      region: decree.region,
      period: decree.period,
      status: decree.status,
    });
    regions.push({ region: record.region, decreeId: decree.decreeId });
  }
  if (regions.length === 0) {
    return {
      findings: 0,
      entitlements: 0,
      closed: { DITERIMA: 0, GAGAL: 0, unchanged: 0, moved: 0 },
      ignoredLines: 0,
    };
  }
  const ledger = new Ledger(decrees, { kind: 'KPM', tahapIds: [tahapId] });
  /**
   * Each instructed entitlement as read here: what its close is decided on and conditional on. The
   * first pass writes from this read (no second read per entitlement); only a batch whose condition
   * failed (moved since) reads its entitlements again.
   */
  const keys = new Map<string, Closable>();
  for (const { region, decreeId } of regions) {
    for await (const entitlement of deps.distribution.entitlements(tahapId, region, 'TUNAI')) {
      const instructions = entitlement.instructions ?? [];
      const last = instructions.at(-1);
      if (!last) continue;
      ledger.addExpected(decreeId, {
        recipientId: entitlement.ref,
        noRekening: last.noRekening,
        nik: entitlement.penerimaNik,
        nama: entitlement.penerimaNama,
        amount: entitlement.amount,
        entitlementRef: entitlement.ref,
        instructions: instructions.map(({ attempt, noRekening }) => ({ attempt, noRekening })),
      });
      keys.set(entitlement.ref, {
        ref: entitlement.ref,
        tahapId,
        region,
        component: 'TUNAI',
        noKk: entitlement.noKk,
        desaCode: entitlement.desaCode,
        status: entitlement.status,
        attempts: entitlement.attempts,
        paidAmount: entitlement.paidAmount,
        returnedAmount: entitlement.returnedAmount,
        ...(entitlement.lastAttempt ? { lastAttempt: entitlement.lastAttempt } : {}),
      });
    }
  }

  const reportKey = kpmCashReportKey(tahapId, runId);
  const findings: Finding[] = [];
  for await (const line of deps.payments.stream()) {
    const finding = ledger.addPayment(line);
    if (finding) findings.push(finding);
  }
  async function* rows(): AsyncGenerator<readonly (string | number)[]> {
    for (const finding of [...findings, ...ledger.findings()]) {
      yield [
        finding.kind,
        FINDING_LABEL[finding.kind],
        finding.region ?? '',
        finding.decreeNumber ?? '',
        finding.recipientId ?? '',
        finding.nik ? maskNik(finding.nik) : '',
        finding.expectedAmount ?? '',
        finding.paidAmount ?? '',
        (finding.bankRefs ?? []).join(' '),
        finding.detail ?? '',
      ];
    }
  }
  const written = await writeCsvFile(
    deps.objects.openWrite(deps.documentsBucket, reportKey, 'text/csv; charset=utf-8'),
    reportKey,
    FINDING_COLUMNS,
    rows(),
  );

  const closed = { DITERIMA: 0, GAGAL: 0, unchanged: 0, moved: 0 };
  const at = now().toISOString();
  type Close = { readonly outcome: EntitlementOutcome; readonly status: Entitlement['status'] | undefined };
  /** The close of one entitlement as read now: a counted move, or nothing to write (counted here). */
  const decide = (
    current: Closable | undefined,
    outcome: EntitlementOutcome,
  ): CountedMove<Close> | undefined => {
    if (!current) return undefined;
    // The ledger read the attempts as they were; one instructed since is the next run's.
    if (outcome.lastAttempt && outcome.lastAttempt.attempt !== current.attempts) {
      closed.moved++;
      return undefined;
    }
    const status = closedStatus(current.status, outcome);
    const same =
      status === undefined &&
      current.paidAmount === outcome.paidAmount &&
      current.returnedAmount === outcome.returnedAmount &&
      current.lastAttempt?.outcome === outcome.lastAttempt?.outcome;
    if (same) {
      closed.unchanged++;
      return undefined;
    }
    const close = {
      status,
      lastAttempt: outcome.lastAttempt,
      paidAmount: outcome.paidAmount,
      returnedAmount: outcome.returnedAmount,
    };
    return {
      key: current.ref,
      items: [deps.distribution.closeAttemptItem(current, close, at)],
      tahapId,
      desaCode: current.desaCode,
      delta: cashDelta(current.status, status),
      payload: { outcome, status },
    };
  };
  const read = (outcome: EntitlementOutcome) => {
    const key = keys.get(outcome.entitlementRef);
    return key
      ? deps.distribution.entitlement(tahapId, key.region, 'TUNAI', key.noKk)
      : Promise.resolve(undefined);
  };
  // Closed a batch at a time, each transaction with its desa's dashboard counters: a run that dies
  // and runs again finds what it closed unchanged, and counts nothing twice.
  const batch = new CountedBatch<Close>(deps.dashboard, {
    size: 200,
    redo: async (move) => decide(await read(move.payload.outcome), move.payload.outcome),
    committed: (move) => {
      const { status } = move.payload;
      if (status === 'DITERIMA' || status === 'GAGAL') closed[status]++;
      else closed.unchanged++;
    },
  });
  for (const outcome of ledger.entitlementOutcomes()) {
    const move = decide(keys.get(outcome.entitlementRef), outcome);
    if (move) await batch.add(move);
  }
  await batch.flush();
  const result: KpmCashResult = {
    reportKey,
    findings: written.rows,
    entitlements: keys.size,
    closed,
    ignoredLines: ledger.ignoredLines,
  };
  logger.info('KPM cash reconciled', { tahapId, runId, ...result.closed, findings: written.rows });
  return result;
}
