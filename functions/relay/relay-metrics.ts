import { METRICS } from '#shared/observability/metric-names.ts';
import type { MetricPoint } from '#shared/observability/telemetry.ts';

/**
 * What a relay invocation did: hand-offs sent and sends failed (nothing when there was nothing to
 * send: the local stack sweeps ten times a second), and for a sweep that found pending items, the
 * age of the oldest one, in seconds.
 */
export function relayMetrics(
  outcome: { readonly sent: number; readonly failed: number; readonly oldestCreatedAt?: string },
  now: Date,
): MetricPoint[] {
  const age =
    outcome.oldestCreatedAt === undefined
      ? undefined
      : Math.max(0, Math.round((now.getTime() - Date.parse(outcome.oldestCreatedAt)) / 1000));
  return [
    ...(outcome.sent > 0 ? [{ spec: METRICS.handoffsSent, value: outcome.sent }] : []),
    ...(outcome.failed > 0 ? [{ spec: METRICS.handoffSendFailures, value: outcome.failed }] : []),
    ...(age === undefined ? [] : [{ spec: METRICS.oldestPendingHandoff, value: age }]),
  ];
}
