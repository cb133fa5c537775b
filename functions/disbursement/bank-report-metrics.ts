import { METRICS } from '#shared/observability/metric-names.ts';
import type { MetricPoint } from '#shared/observability/telemetry.ts';
import type { BankImportOutcome } from './import-bank-report.ts';

/** Payment lines a bank report import stored (a repeated event or a re-delivered version counts nothing). */
export function bankReportMetrics(outcome: BankImportOutcome): MetricPoint[] {
  if (outcome.kind !== 'completed' || !outcome.record.counts) return [];
  return [{ spec: METRICS.paymentLines, value: outcome.record.counts.stored }];
}
