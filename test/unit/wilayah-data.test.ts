import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import data from '#shared/data/wilayah-62.json' with { type: 'json' };
import { compactKey } from '#shared/domain/text.ts';
import {
  desaList,
  findDesa,
  findKecamatan,
  kecamatanList,
  REGIONS,
  regionOfPlace,
} from '#shared/domain/wilayah.ts';
import {
  parseWilayahCsv,
  WILAYAH_CSV_PATH,
  WILAYAH_JSON_PATH,
  wilayahJson,
} from '../../scripts/wilayah-csv.ts';

const csvText = readFileSync(WILAYAH_CSV_PATH, 'utf8');
const jsonText = readFileSync(WILAYAH_JSON_PATH, 'utf8');

describe('wilayah-62.json', () => {
  it('holds exactly the pairs of wilayah-62.csv (regenerate with npx tsx scripts/wilayah-to-json.ts)', () => {
    // Independent of the script's parser: the CSV has no quoted fields, so split each line once.
    const lines = csvText
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('kode,nama');
    const fromCsv = lines.slice(1).map((line) => {
      const comma = line.indexOf(',');
      return [line.slice(0, comma), line.slice(comma + 1)];
    });
    expect(data).toEqual(fromCsv);
  });

  it('is byte for byte what the conversion script writes', () => {
    expect(jsonText).toBe(wilayahJson(parseWilayahCsv(csvText)));
  });

  it('has the province, 14 kabupaten/kota, 136 kecamatan and 1,568 desa/kelurahan', () => {
    const byLength = new Map<number, number>();
    for (const [code] of data) byLength.set(code?.length ?? 0, (byLength.get(code?.length ?? 0) ?? 0) + 1);
    expect(Object.fromEntries(byLength)).toEqual({ 2: 1, 5: 14, 8: 136, 13: 1568 });
  });
});

describe('REGIONS against the data', () => {
  const regionsInData = data.filter(([code]) => code?.length === 5);

  it('lists the same 14 codes as the data, with the same names up to spacing', () => {
    expect(REGIONS.map((region) => region.code)).toEqual(regionsInData.map(([code]) => code));
    for (const region of REGIONS) {
      const inData = regionsInData.find(([code]) => code === region.code)?.[1] ?? '';
      // The data spells "Kota Palangkaraya"; the city writes "Palangka Raya".
      expect(compactKey(region.name)).toBe(compactKey(inData));
    }
  });

  it('finds every official kecamatan and desa by its own name: no two share a matching key', () => {
    for (const region of REGIONS) {
      for (const kecamatan of kecamatanList(region.code)) {
        expect(findKecamatan(region.code, kecamatan.name)).toEqual(kecamatan);
        expect(regionOfPlace(kecamatan.code)).toBe(region.code);
        for (const desa of desaList(kecamatan.code))
          expect(findDesa(kecamatan.code, desa.name)).toEqual(desa);
      }
    }
  });
});
