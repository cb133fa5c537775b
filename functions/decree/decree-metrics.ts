import type { DecreeRecord } from '#shared/model.ts';
import { METRICS } from '#shared/observability/metric-names.ts';
import type { MetricPoint } from '#shared/observability/telemetry.ts';

/**
 * A decree this delivery issued (ISSUED, `issuedAt` at or after the delivery started: a redelivery
 * of a decree issued before counts nothing), with the recipients its lampiran lists.
 */
export function decreeMetrics(
  decree: Pick<DecreeRecord, 'status' | 'issuedAt' | 'recipientCount'> | undefined,
  deliveryStartedAt: string,
): MetricPoint[] {
  if (decree?.status !== 'ISSUED' || !decree.issuedAt || decree.issuedAt < deliveryStartedAt) return [];
  return [
    { spec: METRICS.decreesIssued, value: 1 },
    { spec: METRICS.decreeRecipients, value: decree.recipientCount },
  ];
}

/** One rendering of a decree PDF (the pre-flight's dry run is not one). */
export const renderMetrics = (ms: number): MetricPoint[] => [{ spec: METRICS.decreeRenderTime, value: ms }];

/** A delivery held back by a failed pre-flight (each delivery counts: SQS retries it). */
export const preflightFailureMetrics = (): MetricPoint[] => [
  { spec: METRICS.decreePreflightFailures, value: 1 },
];
