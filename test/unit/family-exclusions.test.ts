import { describe, expect, it } from 'vitest';
import {
  EXCLUSION_LAYOUT,
  listsInForce,
  parseProgramme,
  validateExclusionRow,
} from '#shared/domain/family/exclusions.ts';

describe('exclusion lists', () => {
  it('names known programmes by their usual spellings and keeps other names as written', () => {
    expect(parseProgramme('Bantuan Sembako')).toBe('BPNT');
    expect(parseProgramme('blt-dd')).toBe('BLTDD');
    expect(parseProgramme('Program Keluarga Harapan')).toBe('PKH');
    expect(parseProgramme('Bansos Pemkab')).toBe('BANSOS PEMKAB');
    expect(parseProgramme('x')).toBeUndefined();
  });

  it('keeps the newest list per programme and source; different programmes add up', () => {
    const list = (
      id: string,
      programme: string,
      source: string,
      asOf: string,
      uploadedAt = '2026-10-01T00:00:00Z',
    ) => ({
      id,
      programme,
      source,
      asOf,
      uploadedAt,
    });
    const lists = [
      list('pkh-old', 'PKH', 'Kemensos', '2026-06-30'),
      list('pkh-new', 'PKH', 'KEMENSOS', '2026-09-30'),
      list('pkh-dinsos', 'PKH', 'Dinsos Kapuas', '2026-08-31'),
      list('bpnt', 'BPNT', 'Kemensos', '2026-06-30'),
      list('bpnt-again', 'BPNT', 'Kemensos', '2026-06-30', '2026-10-02T00:00:00Z'),
    ];
    expect(
      listsInForce(lists)
        .map((entry) => entry.id)
        .sort(),
    ).toEqual(['bpnt-again', 'pkh-dinsos', 'pkh-new']);
  });

  it('never lets one region’s list replace another region’s (or the province’s), whatever the source is called', () => {
    const list = (id: string, region: string | undefined, asOf: string) => ({
      id,
      programme: 'BLTDD',
      source: 'Dinsos',
      asOf,
      uploadedAt: '2026-10-01T00:00:00Z',
      ...(region ? { region } : {}),
    });
    const lists = [
      list('kapuas-old', '62.03', '2026-03-31'),
      list('kapuas', '62.03', '2026-06-30'),
      list('kobar', '62.01', '2026-09-30'),
      list('provinsi', undefined, '2026-01-31'),
    ];
    expect(
      listsInForce(lists)
        .map((entry) => entry.id)
        .sort(),
    ).toEqual(['kapuas', 'kobar', 'provinsi']);
  });

  it('takes rows by NIK, No KK or both, and refuses a row with neither', () => {
    expect(validateExclusionRow({ nik: '6203014101900001', program: 'pkh' }).value).toEqual({
      nik: '6203014101900001',
      programme: 'PKH',
    });
    expect(validateExclusionRow({ no_kk: '6203011203150001' }).value).toEqual({ noKk: '6203011203150001' });
    expect(validateExclusionRow({ nama: 'Siapa' })).toMatchObject({
      value: undefined,
      errors: [{ code: 'NIK_ATAU_KK_WAJIB' }],
    });
    expect(validateExclusionRow({ nik: '6.2E+15' }).errors.map((problem) => problem.code)).toEqual([
      'NIK_SCIENTIFIC',
    ]);
  });

  it('finds its header by NIK or No KK', () => {
    expect(EXCLUSION_LAYOUT.header.detect(['No', 'No KK', 'Nama KPM', 'Program'])?.columns.get(1)).toBe(
      'no_kk',
    );
    expect(EXCLUSION_LAYOUT.header.detect(['Nama', 'Program'])).toBeUndefined();
  });
});
