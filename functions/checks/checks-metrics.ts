import { regionOfProposal } from '#shared/domain/proposal.ts';
import { METRICS } from '#shared/observability/metric-names.ts';
import type { MetricPoint } from '#shared/observability/telemetry.ts';
import type { ChecksOutcome } from './run-checks.ts';

/**
 * What one checks run tells the dashboards: recipients checked, the flags left open (by region:
 * blocking flags not waived, and warnings), and how long the run took. A skipped message counts
 * nothing.
 */
export function checksMetrics(outcome: ChecksOutcome): MetricPoint[] {
  if (outcome.kind !== 'completed') return [];
  const region = regionOfProposal(outcome.proposalId);
  return [
    { spec: METRICS.recipientsChecked, value: outcome.counts.recipients },
    ...(region === undefined
      ? []
      : [
          {
            spec: METRICS.checksFlags,
            value: outcome.counts.openBlocking + outcome.counts.warnings,
            dimension: region,
          },
        ]),
    { spec: METRICS.checksDuration, value: outcome.timings.totalMs },
  ];
}
