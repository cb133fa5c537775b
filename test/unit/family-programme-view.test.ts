import { describe, expect, it } from 'vitest';
import { judgeFamily } from '#shared/domain/family/eligibility.ts';
import { NumberIndexBuilder, numberKey } from '#shared/domain/family/number-index.ts';
import { EligibilityTally, programmeView } from '#shared/domain/family/programme-view.ts';

// Two kabupaten: Kapuas (62.03) and Kotawaringin Barat (62.01).
const KK = {
  a: '6203011203150001',
  b: '6203011203150002',
  shared: '6203011203150003', // in both kabupaten's snapshots
  kobar: '6201011203150004',
};
const NIK = {
  a1: '6203014101900001',
  b1: '6203014101900002',
  twoFamilies: '6203014101900003', // a member of KK.b and of KK.kobar
  pkh: '6203014101900004',
};

function build() {
  const members = new NumberIndexBuilder();
  const families = new NumberIndexBuilder();
  const add = (nik: string, kk: string) => members.add(numberKey(nik), numberKey(kk));
  add(NIK.a1, KK.a);
  add(NIK.pkh, KK.a);
  add(NIK.b1, KK.b);
  add(NIK.twoFamilies, KK.b);
  add(NIK.twoFamilies, KK.kobar);
  families.add(numberKey(KK.a), 6203n);
  families.add(numberKey(KK.b), 6203n);
  families.add(numberKey(KK.shared), 6203n);
  families.add(numberKey(KK.shared), 6201n);
  families.add(numberKey(KK.kobar), 6201n);
  const excludedNik = new NumberIndexBuilder();
  excludedNik.add(numberKey(NIK.pkh), 0n);
  const excludedKk = new NumberIndexBuilder();
  return programmeView({
    desil: { min: 1, max: 5 },
    members: members.build(),
    families: families.build(),
    excludedNik: excludedNik.build(),
    excludedKk: excludedKk.build(),
    lists: [{ listId: 'pkh-2026-09', programme: 'PKH', source: 'Kemensos', asOf: '2026-09-30' }],
  });
}

const family = (noKk: string, niks: string[], region = '62.03') => ({
  noKk,
  region,
  desil: 3,
  kkValid: true,
  members: niks.map((nik, index) => ({ nik, nikValid: true, head: index === 0 })),
});

describe('programmeView', () => {
  const view = build();

  it('finds an exclusion list by a member, a member in another KK, and a KK in another kabupaten', () => {
    expect(judgeFamily(family(KK.a, [NIK.a1, NIK.pkh]), view)).toEqual({
      status: 'EXCLUDED',
      reasons: [
        {
          reason: 'DAFTAR_PENGECUALIAN',
          matchedBy: 'NIK',
          member: 1,
          listId: 'pkh-2026-09',
          programme: 'PKH',
          source: 'Kemensos',
          asOf: '2026-09-30',
        },
      ],
    });
    // Both families of the shared member are out until the verval settles it.
    expect(judgeFamily(family(KK.b, [NIK.b1, NIK.twoFamilies]), view)).toMatchObject({
      status: 'EXCLUDED',
      reasons: [{ reason: 'ANGGOTA_DI_KELUARGA_LAIN', member: 1, otherNoKk: [KK.kobar] }],
    });
    expect(judgeFamily(family(KK.kobar, [NIK.twoFamilies], '62.01'), view)).toMatchObject({
      reasons: [{ reason: 'ANGGOTA_DI_KELUARGA_LAIN', otherNoKk: [KK.b] }],
    });
    expect(judgeFamily(family(KK.shared, [], '62.03'), view)).toMatchObject({
      reasons: expect.arrayContaining([{ reason: 'KK_DI_DUA_KABUPATEN', otherRegions: ['62.01'] }]),
    });
    expect(view.otherRegionsOf(KK.shared, '62.01')).toEqual(['62.03']);
    expect(view.otherFamiliesOf('not a nik', KK.a)).toEqual([]);
  });
});

describe('EligibilityTally', () => {
  it('counts per kabupaten, kecamatan and desa, each reason once per family, and merges shards', () => {
    const place = { region: '62.03', kecamatanCode: '62.03.01', desaCode: '62.03.01.2001' };
    const one = new EligibilityTally();
    one.add(place, { status: 'ELIGIBLE' });
    one.add(place, {
      status: 'EXCLUDED',
      reasons: [
        { reason: 'NIK_TIDAK_SAH', member: 0 },
        { reason: 'NIK_TIDAK_SAH', member: 1 },
        { reason: 'DESIL_DI_LUAR_RENTANG', desil: 8 },
      ],
    });
    const two = new EligibilityTally();
    two.add({ ...place, desaCode: '62.03.01.2002' }, { status: 'ELIGIBLE' });
    one.merge(two);
    expect(one.of('62.03')).toEqual({
      families: 3,
      eligible: 2,
      excluded: 1,
      byReason: { NIK_TIDAK_SAH: 1, DESIL_DI_LUAR_RENTANG: 1 },
    });
    expect(one.of('62.03.01.2002')).toMatchObject({ families: 1, eligible: 1 });
    expect(one.of('62.01')).toMatchObject({ families: 0 });
  });
});
