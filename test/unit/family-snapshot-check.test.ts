import { describe, expect, it } from 'vitest';
import { checkGroup } from '#shared/domain/family/snapshot-check.ts';
import type { StoredFamily, StoredMember } from '#shared/model.ts';

const family: StoredFamily = {
  noKk: '6203011203150001',
  kkValid: true,
  kecamatanCode: '62.03.01',
  desaCode: '62.03.01.2001',
  desil: 2,
  sourceRow: 5,
};
const member = (row: number, hubungan: StoredMember['hubungan']): StoredMember => ({
  noKk: family.noKk,
  nik: `62030141019${String(row).padStart(5, '0')}`,
  nikValid: true,
  nama: 'Warga',
  tanggalLahir: '1990-01-01',
  hubungan,
  sourceRow: row,
});

describe('checkGroup', () => {
  it('passes a family with exactly one head', () => {
    expect(
      checkGroup({ noKk: family.noKk, family, members: [member(2, 'KEPALA_KELUARGA'), member(3, 'ISTRI')] }),
    ).toEqual([]);
  });

  it('names the rows of every cross-file problem, in the file the operator must open', () => {
    expect(
      checkGroup({ noKk: family.noKk, family: undefined, members: [member(7, 'ANAK'), member(9, 'ANAK')] }),
    ).toMatchObject([{ code: 'ANGGOTA_TANPA_KELUARGA', file: 'anggota', rows: [7, 9] }]);
    expect(checkGroup({ noKk: family.noKk, family, members: [] })).toMatchObject([
      { code: 'KELUARGA_TANPA_ANGGOTA', file: 'keluarga', rows: [5] },
    ]);
    expect(checkGroup({ noKk: family.noKk, family, members: [member(2, 'ISTRI')] })).toMatchObject([
      { code: 'KELUARGA_TANPA_KEPALA', file: 'keluarga', rows: [5] },
    ]);
    const two = checkGroup({
      noKk: family.noKk,
      family,
      members: [member(2, 'KEPALA_KELUARGA'), member(4, 'KEPALA_KELUARGA')],
    });
    expect(two).toMatchObject([{ code: 'KEPALA_GANDA', file: 'anggota', rows: [2, 4] }]);
    for (const problem of two) expect(problem.message).not.toMatch(/\d{16}/);
  });
});
