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
import { publish } from '#shared/observability/telemetry.ts';
import { queueWorker } from '#shared/queue/queue-worker.ts';
import { reconcileKpmCash } from './reconcile-kpm-cash.ts';
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
 * The KPM cash reconciliation of every tahap (`reconcile-kpm-cash.ts`), after the BKK run and under
 * its run id: each entitlement closed as the bank reported it, one findings file per tahap. Every
 * tahap, whatever its status (the decree does not move it on yet, and a late bank report of a
 * closed tahap still counts): one without an OPEN distribution costs one Query and writes no file.
 */
export async function reconcileKpmTahap(runId: string): Promise<void> {
  const config = env();
  const tahap = new TahapRepository(config.tableName);
  const kpm = {
    decrees: new DecreesRepository(config.tableName),
    distribution: new DistributionRepository(config.tableName),
    dashboard: new DashboardRepository(config.tableName),
    payments: new PaymentsRepository(config.tableName),
    objects: new ObjectStore(),
    documentsBucket: config.documentsBucket,
  };
  for (const record of await tahap.list()) {
    const result = await reconcileKpmCash(record.tahapId, runId, kpm);
    logger.info('KPM cash reconciliation of a tahap', { tahapId: record.tahapId, runId, ...result.closed });
  }
}
