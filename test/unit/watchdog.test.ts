import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '#shared/domain/reconciliation.ts';
import {
  daysBetween,
  importStateOf,
  lostFile,
  shouldRedrive,
  stuckProposal,
  WATCHDOG_FINDING_KINDS,
  WATCHDOG_FINDING_LABEL,
  WATCHDOG_REPORT_COLUMNS,
  WATCHED_STATUSES,
  watchdogReportLine,
} from '#shared/domain/watchdog.ts';
import { runIdFor } from '../../functions/watchdog/handler.ts';
import { hourlyRunId } from '../../functions/watchdog/run-watchdog.ts';

const now = new Date('2026-12-06T03:00:00Z');
const proposal = (status: (typeof WATCHED_STATUSES)[number] | 'DRAFT' | 'DECREED', daysAgo: number) => ({
  proposalId: '62.03-2026-S2',
  region: '62.03',
  period: '2026-S2',
  status,
  updatedAt: new Date(now.getTime() - daysAgo * 86_400_000).toISOString(),
});

describe('the watchdog and the ledger', () => {
  it('share no finding kind: the pipeline kinds are the watchdog’s alone', () => {
    expect(
      WATCHDOG_FINDING_KINDS.filter((kind) => (FINDING_KINDS as readonly string[]).includes(kind)),
    ).toEqual([]);
    expect(Object.keys(WATCHDOG_FINDING_LABEL).sort()).toEqual([...WATCHDOG_FINDING_KINDS].sort());
  });
});

describe('stuck proposals', () => {
  it('reports a watched status held for stuckAfterDays or longer, with its Indonesian label', () => {
    expect(stuckProposal(proposal('SUBMITTED', 6.9), now, 7)).toBeUndefined();
    expect(stuckProposal(proposal('SUBMITTED', 7), now, 7)).toMatchObject({
      kind: 'PROPOSAL_STUCK',
      proposalId: '62.03-2026-S2',
      status: 'diajukan',
      since: '2026-11-29',
      days: 7,
    });
    for (const status of WATCHED_STATUSES) expect(stuckProposal(proposal(status, 30), now, 7)).toBeDefined();
  });

  it('does not watch a draft or a decreed proposal, however old', () => {
    expect(stuckProposal(proposal('DRAFT', 300), now, 7)).toBeUndefined();
    expect(stuckProposal(proposal('DECREED', 300), now, 7)).toBeUndefined();
  });

  it('counts whole days', () => {
    expect(daysBetween(new Date('2026-12-01T03:00:00Z'), new Date('2026-12-06T02:59:59Z'))).toBe(4);
  });
});

describe('lost files', () => {
  const before = Date.parse('2026-12-06T02:30:00Z');

  it('tells imported, missing, foreign, final and dead imports apart', () => {
    expect(importStateOf(undefined, before)).toBe('none');
    expect(importStateOf('foreign', before)).toBe('foreign');
    expect(importStateOf({ status: 'COMPLETED' }, before)).toBe('imported');
    expect(importStateOf({ status: 'REJECTED' }, before)).toBe('imported');
    expect(importStateOf({ status: 'FAILED' }, before)).toBe('FAILED');
    expect(importStateOf({ status: 'AWAITING_FILE' }, before)).toBe('AWAITING_FILE');
    // Running within its time: left alone; started before the delay: its attempt is dead.
    expect(importStateOf({ status: 'PROCESSING', startedAt: '2026-12-06T02:45:00Z' }, before)).toBe(
      'imported',
    );
    expect(importStateOf({ status: 'PROCESSING', startedAt: '2026-12-06T01:00:00Z' }, before)).toBe(
      'PROCESSING',
    );
    expect(importStateOf({ status: 'PROCESSING' }, before)).toBe('PROCESSING');
  });

  it('re-drives what never finished, never a FAILED import', () => {
    expect(shouldRedrive('none')).toBe(true);
    expect(shouldRedrive('AWAITING_FILE')).toBe(true);
    expect(shouldRedrive('PROCESSING')).toBe(true);
    expect(shouldRedrive('FAILED')).toBe(false);
    expect(shouldRedrive('imported')).toBe(false);
    expect(shouldRedrive('foreign')).toBe(false);
  });

  it('reports a file with its place, and nothing for an imported one', () => {
    const object = { bucket: 'khbs-uploads', key: 'uploads/62.03/2026-S2/x.csv', lastModified: now };
    expect(lostFile(object, 'imported', false)).toBeUndefined();
    expect(lostFile(object, 'FAILED', false)).toMatchObject({
      kind: 'UPLOAD_NOT_IMPORTED',
      status: 'FAILED',
      object: 's3://khbs-uploads/uploads/62.03/2026-S2/x.csv',
    });
    expect(lostFile(object, 'none', true)?.detail).toBe(
      'Tidak ada catatan impor, dikirim ulang ke fungsi impor',
    );
  });
});

describe('the report line', () => {
  it('has one cell per column, in Indonesian, every cell formula-safe', () => {
    const line = watchdogReportLine({
      kind: 'UPLOAD_NOT_IMPORTED',
      region: '=1+1',
      object: 's3://b/disbursements/2026-12-01/@SUM(A1).csv',
      detail: '-cmd|calc',
    });
    expect(line).toHaveLength(WATCHDOG_REPORT_COLUMNS.length);
    expect(line[1]).toBe(WATCHDOG_FINDING_LABEL.UPLOAD_NOT_IMPORTED);
    expect(line[2]).toBe("'=1+1");
    expect(line[10]).toBe("'-cmd|calc");
    expect(line[9]).toBe('s3://b/disbursements/2026-12-01/@SUM(A1).csv');
  });
});

describe('run ids', () => {
  it('names a scheduled run after its hour, so a retried invocation rewrites the same report', () => {
    expect(hourlyRunId(new Date('2026-03-02T17:00:41Z'))).toBe('hourly-2026-03-02-17');
    expect(runIdFor({ 'detail-type': 'Scheduled Event', time: '2026-03-02T17:00:00Z' }, now)).toBe(
      'hourly-2026-03-02-17',
    );
    expect(runIdFor({}, now)).toBe('manual-2026-12-06T03-00-00-000Z');
    expect(runIdFor('not an event', now)).toMatch(/^manual-/);
  });
});
