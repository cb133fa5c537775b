import { METRICS } from '#shared/observability/metric-names.ts';
import type { MetricPoint } from '#shared/observability/telemetry.ts';

/** A list submitted to the checks, counted by its region. */
export const submissionMetrics = (region: string): MetricPoint[] => [
  { spec: METRICS.proposalsSubmitted, value: 1, dimension: region },
];

/**
 * One sign-off (an agency's review or the approver's decision) recorded, and how long after the
 * list's submission it came, in seconds. Published only after the change is stored, so a refused
 * or replayed request (the same Idempotency-Key) counts nothing.
 */
export function signOffMetrics(submittedAt: string | undefined, at: string): MetricPoint[] {
  const since = submittedAt === undefined ? Number.NaN : Date.parse(at) - Date.parse(submittedAt);
  return [
    { spec: METRICS.signOffs, value: 1 },
    ...(Number.isFinite(since)
      ? [{ spec: METRICS.signOffLatency, value: Math.max(0, Math.round(since / 1000)) }]
      : []),
  ];
}
