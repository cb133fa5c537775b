import type { StoredRun } from '#shared/adapters/reconciliations-repo.ts';
import { METRICS } from '#shared/observability/metric-names.ts';
import type { MetricPoint } from '#shared/observability/telemetry.ts';

/**
 * A run this delivery finished (COMPLETED, `finishedAt` at or after the delivery started: a
 * redelivered message that finds the run done counts nothing): its findings by kind (kinds it did
 * not find publish nothing), its duration and the decrees it closed as fully paid.
 */
export function reconcileMetrics(
  run: Pick<StoredRun, 'status' | 'finishedAt' | 'durationMs' | 'counts' | 'disbursed'> | undefined,
  deliveryStartedAt: string,
): MetricPoint[] {
  if (run?.status !== 'COMPLETED' || !run.finishedAt || run.finishedAt < deliveryStartedAt) return [];
  return [
    ...Object.entries(run.counts ?? {})
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => ({ spec: METRICS.findings, value: count, dimension: kind })),
    ...(run.durationMs === undefined
      ? []
      : [{ spec: METRICS.reconciliationDuration, value: run.durationMs }]),
    { spec: METRICS.decreesDisbursed, value: run.disbursed?.length ?? 0 },
  ];
}
