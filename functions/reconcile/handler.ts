import { randomUUID } from 'node:crypto';
import { DashboardRepository } from '#shared/adapters/dashboard-repo.ts';
import { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { requestedRunId } from '#shared/adapters/keys.ts';
import { ObjectStore } from '#shared/adapters/object-store.ts';
import { PaymentsRepository } from '#shared/adapters/payments-repo.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { ReconciliationsRepository } from '#shared/adapters/reconciliations-repo.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { env } from '#shared/config/env.ts';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { reconcileSettings } from '#shared/config/reconcile.ts';
import { logger } from '#shared/logger.ts';
import { ReconciliationRequestedSchema } from '#shared/messages.ts';
import type { TahapRecord } from '#shared/model.ts';
import { publish } from '#shared/observability/telemetry.ts';
import { queueWorker } from '#shared/queue/queue-worker.ts';
import { type KpmCashResult, reconcileKpmCash } from './reconcile-kpm-cash.ts';
import { reconcileMetrics } from './reconcile-metrics.ts';
import { dailyRunId, type ReconcileDeps, runReconciliation } from './run-reconciliation.ts';

let deps: ReconcileDeps | undefined;

/** The job's adapters, built once per container (tests, the benchmark and the local stack use them too). */
export function dependencies(): ReconcileDeps {
  if (deps) return deps;
  const config = env();
  const settings = reconcileSettings();
  deps = {
    proposals: new ProposalsRepository(config.tableName),
    decrees: new DecreesRepository(config.tableName),
    recipients: new RecipientsRepository(config.tableName),
    payments: new PaymentsRepository(config.tableName),
    runs: new ReconciliationsRepository(config.tableName),
    objects: new ObjectStore(),
    config: {
      documentsBucket: config.documentsBucket,
      ...settings,
      monthlyRates: RATE_TABLE.monthly,
    },
  };
  return deps;
}

/**
 * SQS → one reconciliation run per record. A scheduled request is named after its day (WIB), so
 * the day runs once however often the message arrives; an API request names its run. Scheduled
 * runs reconcile open work, except the weekly full one (`FULL_RUN_WEEKDAY`); API runs are full
 * (`scopeOf` in `run-reconciliation.ts`).
 */
export const handler = queueWorker({
  schema: ReconciliationRequestedSchema,
  type: 'reconciliation.requested',
  work: async (message) => {
    const now = new Date();
    const runId =
      message.runId ??
      (message.trigger === 'schedule' ? dailyRunId(now) : requestedRunId(now, randomUUID().slice(0, 8)));
    const run = await runReconciliation(runId, message.trigger, dependencies());
    publish(reconcileMetrics(run, now.toISOString()));
    await reconcileKpmTahap(runId);
    return run;
  },
});

/**
 * The KPM cash reconciliation of every tahap in PENYALURAN (`reconcile-kpm-cash.ts`), after the BKK
 * run and under its run id: each entitlement closed as the bank reported it, one findings file per
 * tahap. Only PENYALURAN: before it no distribution is open (nothing instructed), and a closed tahap
 * (SELESAI) is final: its close waited for every instructed payment's answer (`planClose`), and its
 * money view must not move after the province closed it. `reconcile` is the per-tahap run (tests).
 */
export async function reconcileKpmTahap(
  runId: string,
  reconcile: (tahapId: string, runId: string) => Promise<KpmCashResult> = defaultKpmCash(),
): Promise<string[]> {
  const tahap = new TahapRepository(env().tableName);
  const reconciled: string[] = [];
  for (const record of kpmCashTahap(await tahap.list())) {
    const result = await reconcile(record.tahapId, runId);
    reconciled.push(record.tahapId);
    logger.info('KPM cash reconciliation of a tahap', { tahapId: record.tahapId, runId, ...result.closed });
  }
  return reconciled;
}

/** The tahap whose cash the reconciliation worker reconciles: those in PENYALURAN. */
export const kpmCashTahap = <T extends Pick<TahapRecord, 'status'>>(records: readonly T[]): T[] =>
  records.filter((record) => record.status === 'PENYALURAN');

function defaultKpmCash(): (tahapId: string, runId: string) => Promise<KpmCashResult> {
  const config = env();
  const kpm = {
    decrees: new DecreesRepository(config.tableName),
    distribution: new DistributionRepository(config.tableName),
    dashboard: new DashboardRepository(config.tableName),
    payments: new PaymentsRepository(config.tableName),
    objects: new ObjectStore(),
    documentsBucket: config.documentsBucket,
  };
  return (tahapId, runId) => reconcileKpmCash(tahapId, runId, kpm);
}
