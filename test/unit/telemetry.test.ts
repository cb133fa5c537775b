import { describe, expect, it } from 'vitest';
import { logger } from '#shared/logger.ts';
import { METRICS, METRICS_NAMESPACE, SERVICE_NAME } from '#shared/observability/metric-names.ts';
import {
  correlationKeys,
  correlationOf,
  type MetricPoint,
  publish,
  traced,
} from '#shared/observability/telemetry.ts';
import { signOffMetrics, submissionMetrics } from '../../functions/api/workflow-metrics.ts';
import { checksMetrics } from '../../functions/checks/checks-metrics.ts';
import type { ChecksOutcome } from '../../functions/checks/run-checks.ts';
import { decreeMetrics } from '../../functions/decree/decree-metrics.ts';
import { bankReportMetrics } from '../../functions/disbursement/bank-report-metrics.ts';
import { importMetrics } from '../../functions/import/import-metrics.ts';
import { reconcileMetrics } from '../../functions/reconcile/reconcile-metrics.ts';
import { relayMetrics } from '../../functions/relay/relay-metrics.ts';
import { watchdogMetrics } from '../../functions/watchdog/watchdog-metrics.ts';
import { captureJsonLines, metricValues } from '../support/emf.ts';

/** The points as `name[dimension]=value`, for short expectations. */
const show = (points: readonly MetricPoint[]) =>
  points.map((point) => `${point.spec.name}${point.dimension ? `[${point.dimension}]` : ''}=${point.value}`);

describe('publishing business metrics (EMF)', () => {
  it('prints one EMF line per point, in the KHBS namespace, with service and the one dimension', async () => {
    const { metrics } = await captureJsonLines(async () => {
      publish([
        { spec: METRICS.rowsImported, value: 1200, dimension: '62.03' },
        { spec: METRICS.importDuration, value: 4321 },
        { spec: METRICS.findings, value: 2, dimension: 'PAID_TWICE' },
      ]);
    });
    expect(metrics).toHaveLength(3);
    expect(metrics.map((line) => line._aws.CloudWatchMetrics[0]?.Namespace)).toEqual([
      METRICS_NAMESPACE,
      METRICS_NAMESPACE,
      METRICS_NAMESPACE,
    ]);
    expect(metricValues(metrics)).toEqual([
      { name: 'RowsImported', value: 1200, dimensions: { service: SERVICE_NAME, region: '62.03' } },
      { name: 'ImportDuration', value: 4321, dimensions: { service: SERVICE_NAME } },
      { name: 'Findings', value: 2, dimensions: { service: SERVICE_NAME, kind: 'PAID_TWICE' } },
    ]);
    expect(metrics[0]?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'RowsImported', Unit: 'Count' }]);
  });

  it('refuses a point of a metric with a dimension but no value for it (it would be another metric)', () => {
    expect(() => publish([{ spec: METRICS.rowsRefused, value: 3 }])).toThrow(/region dimension/);
  });

  it('prints nothing when switched off (the tests and the quiet local stack)', async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      lines.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      publish([{ spec: METRICS.signOffs, value: 1 }]);
    } finally {
      process.stdout.write = write;
    }
    expect(lines.filter((line) => line.includes('_aws'))).toEqual([]);
  });
});

describe('correlation ids', () => {
  it('keeps the known, well-formed ids and drops the rest (a probe in a path is not logged)', () => {
    expect(
      correlationKeys({
        proposalId: '62.03-2026-S1',
        uploadId: 'u_1',
        runId: 'x'.repeat(200),
        decreeId: 'a b',
      }),
    ).toEqual({ proposalId: '62.03-2026-S1', uploadId: 'u_1' });
    expect(
      correlationOf({ type: 'checks.requested', proposalId: 'p1', listId: 'l1', nik: '6203010101010001' }),
    ).toEqual({
      proposalId: 'p1',
    });
    expect(correlationOf('not an object')).toEqual({});
  });

  it('puts the ids on the log lines of the work, and takes them off afterwards', async () => {
    const { logs } = await captureJsonLines(async () => {
      await traced('checks.requested', { proposalId: '62.03-2026-S1', runId: 'r1' }, async () => {
        logger.warn('inside');
      });
      logger.warn('after');
    });
    const inside = logs.find((line) => line.message === 'inside');
    const after = logs.find((line) => line.message === 'after');
    expect(inside).toMatchObject({ proposalId: '62.03-2026-S1', runId: 'r1' });
    expect(after).toBeDefined();
    expect(after).not.toHaveProperty('proposalId');
    expect(after).not.toHaveProperty('runId');
  });

  it('takes the ids off even when the work fails', async () => {
    const { logs } = await captureJsonLines(async () => {
      await expect(
        traced('decree.requested', { proposalId: 'p9' }, async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      logger.warn('after failure');
    });
    expect(logs.find((line) => line.message === 'after failure')).not.toHaveProperty('proposalId');
  });
});

describe("each worker's metrics from its outcome", () => {
  const counts = { rows: 10, accepted: 8, rejected: 2, warnings: 1 };

  it('import: rows written and refused by region, and its duration; a file refused as a whole; repeats count nothing', () => {
    expect(
      show(
        importMetrics({ kind: 'completed', uploadId: 'u1', record: { counts, durationMs: 1500 } }, '62.03'),
      ),
    ).toEqual(['RowsImported[62.03]=8', 'RowsRefused[62.03]=2', 'ImportDuration=1500']);
    expect(show(importMetrics({ kind: 'rejected', uploadId: 'u1', reasons: [] }, '62.03'))).toEqual([
      'ImportsFailed=1',
    ]);
    for (const record of [
      { counts, duplicateOf: 'u0' },
      { counts, supersededBy: 'u2' },
    ]) {
      expect(importMetrics({ kind: 'completed', uploadId: 'u1', record }, '62.03')).toEqual([]);
    }
    expect(importMetrics({ kind: 'duplicate-event', uploadId: 'u1', status: 'COMPLETED' }, '62.03')).toEqual(
      [],
    );
  });

  it('checks: recipients, the open flags by region (blocking not waived and warnings), the run time', () => {
    const outcome: ChecksOutcome = {
      kind: 'completed',
      proposalId: '62.03-2026-S1-r2',
      listId: 'l1',
      runId: 'r1',
      counts: { recipients: 500, flagged: 7, blocking: 6, warnings: 3, openBlocking: 4, byCode: {} as never },
      written: 7,
      flagIndexWrites: 7,
      rechecks: [],
      version: 3,
      registry: {
        lists: 1,
        chunks: 1,
        entries: 300,
        queries: 1,
        chunksWritten: 1,
        backfilled: 0,
        staleDeleted: 0,
      },
      timings: { registerMs: 10, lookupMs: 20, totalMs: 45 },
    };
    expect(show(checksMetrics(outcome))).toEqual([
      'RecipientsChecked=500',
      'ChecksFlags[62.03]=7',
      'ChecksDuration=45',
    ]);
    expect(checksMetrics({ kind: 'skipped', proposalId: 'p', reason: 'already-done' })).toEqual([]);
  });

  it('workflow: a submission by region; a sign-off with its latency since submission', () => {
    expect(show(submissionMetrics('62.11'))).toEqual(['ProposalsSubmitted[62.11]=1']);
    expect(show(signOffMetrics('2026-12-01T00:00:00.000Z', '2026-12-01T02:00:30.000Z'))).toEqual([
      'SignOffs=1',
      'SignOffLatency=7230',
    ]);
    expect(show(signOffMetrics(undefined, '2026-12-01T02:00:30.000Z'))).toEqual(['SignOffs=1']);
  });

  it('decree: only a decree this delivery issued counts, with its recipients', () => {
    const decree = { status: 'ISSUED' as const, issuedAt: '2026-12-01T10:00:05.000Z', recipientCount: 412 };
    expect(show(decreeMetrics(decree, '2026-12-01T10:00:00.000Z'))).toEqual([
      'DecreesIssued=1',
      'DecreeRecipients=412',
    ]);
    expect(decreeMetrics(decree, '2026-12-01T11:00:00.000Z')).toEqual([]);
    expect(decreeMetrics({ ...decree, status: 'ISSUING' }, '2026-12-01T10:00:00.000Z')).toEqual([]);
    expect(decreeMetrics(undefined, '2026-12-01T10:00:00.000Z')).toEqual([]);
  });

  it('reconciliation: findings by kind (kinds not found publish nothing), duration, decrees closed; a finished run seen again counts nothing', () => {
    const run = {
      status: 'COMPLETED' as const,
      finishedAt: '2026-12-02T01:00:00.000Z',
      durationMs: 9000,
      counts: { NOT_PAID: 3, PAID_TWICE: 1, FAILED: 0 },
      disbursed: ['SK-1'],
    };
    expect(show(reconcileMetrics(run, '2026-12-02T00:59:00.000Z'))).toEqual([
      'Findings[NOT_PAID]=3',
      'Findings[PAID_TWICE]=1',
      'ReconciliationDuration=9000',
      'DecreesDisbursed=1',
    ]);
    expect(reconcileMetrics(run, '2026-12-02T02:00:00.000Z')).toEqual([]);
  });

  it('bank reports: the lines stored', () => {
    const record = { counts: { lines: 10, stored: 9, duplicates: 1, rejected: 0 } };
    expect(show(bankReportMetrics({ kind: 'completed', key: 'k', record }))).toEqual(['PaymentLines=9']);
  });

  it('watchdog: every count every hour, zeros included (a zero clears its alarm)', () => {
    const summary = {
      counts: { PROPOSAL_STUCK: 0, UPLOAD_NOT_IMPORTED: 2, DECREE_PDF_MISSING: 1, DECREE_PDF_MISMATCH: 1 },
      redriven: { uploads: 2, bankReports: 1, familyFiles: 1 },
    };
    expect(show(watchdogMetrics(summary))).toEqual([
      'ProposalsStuck=0',
      'UploadsNotImported=2',
      'UploadsRedriven=4',
      'DecreePdfProblems=2',
    ]);
  });

  it('relay: sends and failures when there were any, and the age of the oldest pending hand-off a sweep found', () => {
    const now = new Date('2026-12-01T10:10:00.000Z');
    expect(relayMetrics({ sent: 0, failed: 0 }, now)).toEqual([]);
    expect(
      show(relayMetrics({ sent: 3, failed: 1, oldestCreatedAt: '2026-12-01T10:00:00.000Z' }, now)),
    ).toEqual(['HandoffsSent=3', 'HandoffSendFailures=1', 'OldestPendingHandoffAge=600']);
  });
});
