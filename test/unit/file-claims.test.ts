import { describe, expect, it } from 'vitest';
import { planClaim } from '#shared/adapters/file-claims.ts';
import { BANK_REPORT_RECORDS } from '#shared/adapters/payments-repo.ts';
import { UPLOAD_RECORDS } from '#shared/adapters/uploads-repo.ts';

const KEY = 'uploads/62.01/2026-S1/u1.csv';
const NOW = new Date('2026-12-01T00:00:00Z');
const request = { s3Key: KEY, etag: 'abc', now: NOW, maxAttempts: 3 };

/** A record as read: what the record type sees and the lease fields the engine reads. */
function found(lease: {
  status: string;
  attempts?: number;
  tries?: number;
  leaseUntil?: number;
  etag?: string;
  s3Key?: string;
}) {
  const record = {
    s3Key: lease.s3Key ?? KEY,
    key: lease.s3Key ?? KEY,
    ...lease,
    attempts: lease.attempts ?? 0,
  };
  return { record: record as never, lease: { ...lease, attempts: lease.attempts ?? 0 } };
}

describe('planClaim (what a claim does with the record it read)', () => {
  it('takes a new record, and an upload awaiting its file', () => {
    expect(planClaim(UPLOAD_RECORDS, undefined, request)).toEqual({ kind: 'take', attempt: 1, tries: 1 });
    expect(planClaim(UPLOAD_RECORDS, found({ status: 'AWAITING_FILE' }), request)).toEqual({
      kind: 'take',
      attempt: 1,
      tries: 1,
    });
  });

  it('refuses a record that names another S3 key, whatever its status', () => {
    for (const status of ['AWAITING_FILE', 'PROCESSING', 'FAILED', 'COMPLETED']) {
      expect(
        planClaim(UPLOAD_RECORDS, found({ status, s3Key: 'uploads/62.02/2026-S1/u1.csv' }), request),
      ).toEqual({ kind: 'key-mismatch' });
    }
  });

  it('is busy under a live lease and takes over a lapsed one, counting the tries at this object', () => {
    const live = found({
      status: 'PROCESSING',
      attempts: 1,
      tries: 1,
      leaseUntil: NOW.getTime() + 1,
      etag: 'abc',
    });
    expect(planClaim(UPLOAD_RECORDS, live, request)).toEqual({ kind: 'busy' });
    const lapsed = found({ status: 'PROCESSING', attempts: 1, tries: 1, leaseUntil: 0, etag: 'abc' });
    expect(planClaim(UPLOAD_RECORDS, lapsed, request)).toEqual({
      kind: 'take',
      attempt: 2,
      tries: 2,
      lapsed: true,
    });
  });

  it('closes FAILED instead of a fourth try when the last allowed attempt died', () => {
    const dead = found({ status: 'PROCESSING', attempts: 3, tries: 3, leaseUntil: 0, etag: 'abc' });
    expect(planClaim(UPLOAD_RECORDS, dead, request)).toEqual({ kind: 'exhaust', tries: 3 });
    // A record from before `tries` was kept counts its attempts.
    const old = found({ status: 'PROCESSING', attempts: 3, leaseUntil: 0, etag: '"abc"' });
    expect(planClaim(BANK_REPORT_RECORDS, old, request)).toEqual({ kind: 'exhaust', tries: 3 });
  });

  it('never takes a FAILED, COMPLETED or REJECTED record again for the same object (quoted or bare ETag)', () => {
    for (const status of ['FAILED', 'COMPLETED', 'REJECTED']) {
      const closed = found({ status, attempts: 3, etag: '"abc"' });
      expect(planClaim(UPLOAD_RECORDS, closed, request)).toEqual({ kind: 'closed' });
      expect(planClaim(BANK_REPORT_RECORDS, closed, request)).toEqual({ kind: 'closed' });
    }
  });

  it('starts over for a different object where the record type allows it, with a fresh count of tries', () => {
    const other = { ...request, etag: 'def' };
    for (const status of ['PROCESSING', 'COMPLETED', 'REJECTED', 'FAILED']) {
      expect(
        planClaim(
          UPLOAD_RECORDS,
          found({ status, attempts: 3, leaseUntil: NOW.getTime() + 1, etag: 'abc' }),
          other,
        ),
      ).toEqual({ kind: 'take', attempt: 4, tries: 1 });
    }
    // A bank report key that was completed is done; a refused or failed one takes a corrected report.
    expect(
      planClaim(BANK_REPORT_RECORDS, found({ status: 'COMPLETED', attempts: 1, etag: 'abc' }), other),
    ).toEqual({
      kind: 'closed',
    });
    for (const status of ['REJECTED', 'FAILED']) {
      expect(planClaim(BANK_REPORT_RECORDS, found({ status, attempts: 3, etag: 'abc' }), other)).toEqual({
        kind: 'take',
        attempt: 4,
        tries: 1,
      });
    }
  });
});
