import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '#shared/adapters/eligibility-repo.ts';
import { mayRequestEligibility, regionSummary } from '#shared/domain/family/eligibility-summary.ts';
import { EligibilityTally } from '#shared/domain/family/programme-view.ts';
import { BadRequestError } from '#shared/errors.ts';
import { TahapRecordSchema } from '#shared/model.ts';

const place = (desaCode: string) => ({
  region: desaCode.slice(0, 5),
  kecamatanCode: desaCode.slice(0, 8),
  desaCode,
});
const ELIGIBLE = { status: 'ELIGIBLE' } as const;
const DESIL = { status: 'EXCLUDED', reasons: [{ reason: 'DESIL_DI_LUAR_RENTANG', desil: 7 }] } as const;

describe('regionSummary', () => {
  const tally = new EligibilityTally();
  tally.add(place('62.03.01.2001'), ELIGIBLE);
  tally.add(place('62.03.01.2001'), DESIL);
  tally.add(place('62.03.02.2005'), ELIGIBLE);
  // Another kabupaten whose code starts the same way must not leak in.
  tally.add(place('62.01.01.2001'), ELIGIBLE);

  it('splits one kabupaten by kecamatan and desa', () => {
    const summary = regionSummary(tally, '62.03');
    expect(summary.counts).toEqual({
      families: 3,
      eligible: 2,
      excluded: 1,
      byReason: { DESIL_DI_LUAR_RENTANG: 1 },
    });
    expect(Object.keys(summary.kecamatan).sort()).toEqual(['62.03.01', '62.03.02']);
    expect(Object.keys(summary.desa).sort()).toEqual(['62.03.01.2001', '62.03.02.2005']);
    expect(summary.desa['62.03.01.2001']).toMatchObject({ families: 2, excluded: 1 });
    expect(summary.quota).toBeUndefined();
  });

  it('carries the quota counts when given, and zeros for a kabupaten without families', () => {
    expect(regionSummary(tally, '62.03', { quota: 1, selected: 1, reserve: 1 }).quota).toEqual({
      quota: 1,
      selected: 1,
      reserve: 1,
    });
    expect(regionSummary(tally, '62.71')).toEqual({
      region: '62.71',
      counts: { families: 0, eligible: 0, excluded: 0, byReason: {} },
      kecamatan: {},
      desa: {},
    });
  });
});

describe('mayRequestEligibility', () => {
  it('allows a run in DRAFT and VERVAL once the last run is over', () => {
    expect(mayRequestEligibility('DRAFT', undefined)).toEqual({ ok: true });
    expect(mayRequestEligibility('VERVAL', { status: 'COMPLETED' })).toEqual({ ok: true });
    expect(mayRequestEligibility('DRAFT', { status: 'FAILED' })).toEqual({ ok: true });
  });

  it('refuses while a run waits or runs, and once the lists are proposed', () => {
    expect(mayRequestEligibility('DRAFT', { status: 'QUEUED' })).toMatchObject({ reason: 'RUN_IN_PROGRESS' });
    expect(mayRequestEligibility('VERVAL', { status: 'RUNNING' })).toMatchObject({
      reason: 'RUN_IN_PROGRESS',
    });
    const refused = mayRequestEligibility('PENGAJUAN', undefined);
    expect(refused).toMatchObject({ ok: false, reason: 'TAHAP_STATUS' });
    expect(refused.ok ? '' : refused.message).toContain('pengajuan daftar KPM');
  });
});

describe('eligibility cursor', () => {
  it('round-trips a No KK and shows no digits of it', () => {
    const cursor = encodeCursor('6203011203150001');
    expect(cursor).not.toContain('6203011203150001');
    expect(decodeCursor(cursor)).toBe('6203011203150001');
  });

  it('refuses anything it did not make', () => {
    for (const bad of ['', 'xyz', Buffer.from('{"k":"12"}').toString('base64url'), encodeCursor('abc')]) {
      expect(() => decodeCursor(bad)).toThrow(BadRequestError);
    }
  });
});

describe('TahapRecordSchema', () => {
  it('reads a stored tahap back without its keys', () => {
    const parsed = TahapRecordSchema.parse({
      pk: 'TAHAP#2026-1',
      sk: 'TAHAP',
      tahapId: '2026-1',
      year: 2026,
      number: 1,
      components: { TUNAI: 250_000 },
      desil: { min: 1, max: 5 },
      snapshots: { '62.03': '2026-09-30' },
      status: 'DRAFT',
      version: 1,
      createdAt: '2026-10-01T00:00:00.000Z',
      createdBy: { sub: 'a', name: 'A' },
      eligibility: { runId: 'r', status: 'QUEUED', requestedAt: '2026-10-01T00:00:00.000Z' },
    });
    expect(parsed).not.toHaveProperty('pk');
    expect(parsed.eligibility?.status).toBe('QUEUED');
  });
});
