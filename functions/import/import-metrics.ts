import { METRICS } from '#shared/observability/metric-names.ts';
import type { MetricPoint } from '#shared/observability/telemetry.ts';
import type { ImportOutcome } from './import-upload.ts';

/**
 * What one import tells the dashboards: rows written and refused (by region), its duration, or a
 * file refused as a whole. A repeated event, a file identical to the current list and an attempt
 * that lost to a newer upload count nothing (the rows were counted once, or never became a list).
 */
export function importMetrics(outcome: ImportOutcome, region: string | undefined): MetricPoint[] {
  if (outcome.kind === 'rejected') return [{ spec: METRICS.importsFailed, value: 1 }];
  if (outcome.kind !== 'completed') return [];
  const { record } = outcome;
  if (record.duplicateOf || record.supersededBy || !record.counts || region === undefined) return [];
  return [
    { spec: METRICS.rowsImported, value: record.counts.accepted, dimension: region },
    { spec: METRICS.rowsRefused, value: record.counts.rejected, dimension: region },
    ...(record.durationMs === undefined ? [] : [{ spec: METRICS.importDuration, value: record.durationMs }]),
  ];
}
