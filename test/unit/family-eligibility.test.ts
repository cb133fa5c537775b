import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ExclusionHit,
  type FamilyFacts,
  judgeFamily,
  type ProgrammeView,
  rankForQuota,
} from '#shared/domain/family/eligibility.ts';

const family = (noKk: string, extra: Partial<FamilyFacts> = {}): FamilyFacts => ({
  noKk,
  region: '62.03',
  desil: 2,
  kkValid: true,
  members: [
    { nik: `${noKk}-1`, nikValid: true, head: true },
    { nik: `${noKk}-2`, nikValid: true, head: false },
  ],
  ...extra,
});

const PKH: ExclusionHit = { listId: 'pkh-1', programme: 'PKH', source: 'Kemensos', asOf: '2026-09-30' };
const BPNT: ExclusionHit = { listId: 'bpnt-1', programme: 'BPNT', source: 'Kemensos', asOf: '2026-09-30' };

function view(parts: Partial<Omit<ProgrammeView, 'desil'>> = {}): ProgrammeView {
  return {
    desil: { min: 1, max: 5 },
    exclusionsOfKk: () => [],
    exclusionsOfNik: () => [],
    otherFamiliesOf: () => [],
    otherRegionsOf: () => [],
    ...parts,
  };
}

describe('judgeFamily', () => {
  it('lets in a family of desil 1–5 on no list, with valid numbers and a head', () => {
    expect(judgeFamily(family('A'), view())).toEqual({ status: 'ELIGIBLE' });
  });

  it('keeps every reason that applies, once per exclusion list, naming the member matched', () => {
    const verdict = judgeFamily(
      family('A', { desil: 7, kkValid: false }),
      view({
        exclusionsOfKk: () => [PKH],
        exclusionsOfNik: (nik) => (nik === 'A-1' ? [PKH] : nik === 'A-2' ? [BPNT] : []),
      }),
    );
    expect(verdict).toEqual({
      status: 'EXCLUDED',
      reasons: [
        { reason: 'DESIL_DI_LUAR_RENTANG', desil: 7 },
        { reason: 'NO_KK_TIDAK_SAH' },
        { reason: 'DAFTAR_PENGECUALIAN', matchedBy: 'NO_KK', ...PKH },
        { reason: 'DAFTAR_PENGECUALIAN', matchedBy: 'NIK', member: 1, ...BPNT },
      ],
    });
  });

  it('excludes a family with a shared member or a KK in two kabupaten, and one without a head or desil', () => {
    const shared = judgeFamily(family('A'), view({ otherFamiliesOf: (nik) => (nik === 'A-2' ? ['B'] : []) }));
    expect(shared).toEqual({
      status: 'EXCLUDED',
      reasons: [{ reason: 'ANGGOTA_DI_KELUARGA_LAIN', member: 1, otherNoKk: ['B'] }],
    });
    const twice = judgeFamily(family('A'), view({ otherRegionsOf: () => ['62.01'] }));
    expect(twice).toEqual({
      status: 'EXCLUDED',
      reasons: [{ reason: 'KK_DI_DUA_KABUPATEN', otherRegions: ['62.01'] }],
    });
    const headless = judgeFamily(
      family('A', { desil: undefined, members: [{ nik: 'x', nikValid: false, head: false }] }),
      view(),
    );
    expect(headless).toEqual({
      status: 'EXCLUDED',
      reasons: [
        { reason: 'DESIL_DI_LUAR_RENTANG', desil: null },
        { reason: 'TANPA_KEPALA_KELUARGA' },
        { reason: 'NIK_TIDAK_SAH', member: 0 },
      ],
    });
  });
});

describe('rankForQuota', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const ranked = (noKk: string, desil: number, memberCount: number) => ({ noKk, desil, memberCount });

  it('ranks by desil, then family size, then a draw no one can steer; the rest wait in reserve', () => {
    const families = [ranked('A', 3, 2), ranked('B', 1, 2), ranked('C', 1, 5), ranked('D', 2, 1)];
    const { selected, reserve } = rankForQuota(families, 3, sha, '2026-1');
    expect(selected.map((entry) => entry.noKk)).toEqual(['C', 'B', 'D']);
    expect(reserve.map((entry) => entry.noKk)).toEqual(['A']);
    expect(rankForQuota(families, undefined, sha, '2026-1').reserve).toEqual([]);
  });

  it('breaks ties the same way every time for a tahap, whatever the input order', () => {
    const families = Array.from({ length: 50 }, (_, i) =>
      ranked(`62030${String(i).padStart(11, '0')}`, 2, 3),
    );
    const once = rankForQuota(families, 10, sha, '2026-1').selected.map((entry) => entry.noKk);
    const again = rankForQuota([...families].reverse(), 10, sha, '2026-1').selected.map(
      (entry) => entry.noKk,
    );
    expect(again).toEqual(once);
    // Not the file's order, nor the KKs' numbering.
    expect(once).not.toEqual(families.slice(0, 10).map((entry) => entry.noKk));
  });
});
