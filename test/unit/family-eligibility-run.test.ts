import { describe, expect, it } from 'vitest';
import {
  type FamilyVerdict,
  runEligibility,
  type SnapshotSource,
} from '#shared/domain/family/eligibility-run.ts';
import type { FamilyGroup } from '#shared/domain/family/snapshot-check.ts';
import type { StoredFamily, StoredMember } from '#shared/model.ts';

const family = (noKk: string, desil = 2): StoredFamily => ({
  noKk,
  kkValid: true,
  kecamatanCode: `${noKk.slice(0, 2)}.${noKk.slice(2, 4)}.01`,
  desaCode: `${noKk.slice(0, 2)}.${noKk.slice(2, 4)}.01.2001`,
  desil,
  sourceRow: 2,
});
const member = (noKk: string, nik: string, head = false): StoredMember => ({
  noKk,
  nik,
  nikValid: true,
  nama: 'Warga',
  tanggalLahir: '1980-01-01',
  hubungan: head ? 'KEPALA_KELUARGA' : 'ANAK',
  sourceRow: 2,
});

/** A snapshot held in memory, served as the repository would: keys, then groups. */
function snapshot(region: string, groups: FamilyGroup[]): SnapshotSource {
  return {
    region,
    async *keys() {
      for (const group of groups) {
        if (group.family) yield { noKk: group.noKk };
        for (const person of group.members) yield { noKk: group.noKk, nik: person.nik };
      }
    },
    async *groups() {
      yield* groups;
    },
  };
}

const KK = { a: '6203011203150001', b: '6203011203150002', c: '6203011203150003', kobar: '6201011203150004' };
const NIK = {
  a: '6203014101900001',
  b: '6203014101900002',
  shared: '6203014101900003',
  pkh: '6203014101900004',
  c: '6203014101900005',
  k: '6201014101900006',
};

describe('runEligibility', () => {
  it('judges every family of every snapshot against the whole programme, counts and records each', async () => {
    const kapuas = snapshot('62.03', [
      { noKk: KK.a, family: family(KK.a), members: [member(KK.a, NIK.a, true), member(KK.a, NIK.pkh)] },
      { noKk: KK.b, family: family(KK.b), members: [member(KK.b, NIK.b, true), member(KK.b, NIK.shared)] },
      { noKk: KK.c, family: family(KK.c, 8), members: [member(KK.c, NIK.c, true)] },
      // Members whose family never came: counted, not judged.
      {
        noKk: '6203011203159999',
        family: undefined,
        members: [member('6203011203159999', '6203014101909999')],
      },
    ]);
    const kobar = snapshot('62.01', [
      {
        noKk: KK.kobar,
        family: family(KK.kobar),
        members: [member(KK.kobar, NIK.k, true), member(KK.kobar, NIK.shared)],
      },
    ]);
    const recorded: FamilyVerdict[] = [];
    const outcome = await runEligibility({
      desil: { min: 1, max: 5 },
      snapshots: [kapuas, kobar],
      lists: [{ listId: 'pkh', programme: 'PKH', source: 'Kemensos', asOf: '2026-09-30' }],
      exclusions: (async function* () {
        yield { list: 0, nik: NIK.pkh };
      })(),
      record: async (result) => {
        recorded.push(result);
      },
    });
    expect(outcome.families).toBe(4);
    expect(outcome.orphanGroups).toBe(1);
    const status = Object.fromEntries(recorded.map((result) => [result.noKk, result.verdict]));
    expect(status[KK.a]).toMatchObject({
      status: 'EXCLUDED',
      reasons: [{ reason: 'DAFTAR_PENGECUALIAN', member: 1 }],
    });
    // The shared member excludes both families, across kabupaten.
    expect(status[KK.b]).toMatchObject({
      reasons: [{ reason: 'ANGGOTA_DI_KELUARGA_LAIN', otherNoKk: [KK.kobar] }],
    });
    expect(status[KK.kobar]).toMatchObject({
      reasons: [{ reason: 'ANGGOTA_DI_KELUARGA_LAIN', otherNoKk: [KK.b] }],
    });
    expect(status[KK.c]).toMatchObject({ reasons: [{ reason: 'DESIL_DI_LUAR_RENTANG', desil: 8 }] });
    expect(outcome.tally.of('62.03')).toEqual({
      families: 3,
      eligible: 0,
      excluded: 3,
      byReason: { DAFTAR_PENGECUALIAN: 1, ANGGOTA_DI_KELUARGA_LAIN: 1, DESIL_DI_LUAR_RENTANG: 1 },
    });
    expect(outcome.tally.of('62.01')).toMatchObject({ families: 1, excluded: 1 });
    expect(outcome.indexBytes).toBeGreaterThan(0);
  });
});
