import { METRICS } from '#shared/observability/metric-names.ts';
import type { MetricPoint } from '#shared/observability/telemetry.ts';
import type { WatchdogSummary } from './run-watchdog.ts';

/**
 * What one watchdog run found, every hour, zeros included: the alarms on these read "more than
 * zero in the last run", and a zero is what clears them.
 */
export function watchdogMetrics(summary: Pick<WatchdogSummary, 'counts' | 'redriven'>): MetricPoint[] {
  return [
    { spec: METRICS.proposalsStuck, value: summary.counts.PROPOSAL_STUCK },
    { spec: METRICS.uploadsNotImported, value: summary.counts.UPLOAD_NOT_IMPORTED },
    {
      spec: METRICS.uploadsRedriven,
      value: summary.redriven.uploads + summary.redriven.bankReports + summary.redriven.familyFiles,
    },
    {
      spec: METRICS.decreePdfProblems,
      value: summary.counts.DECREE_PDF_MISSING + summary.counts.DECREE_PDF_MISMATCH,
    },
  ];
}
