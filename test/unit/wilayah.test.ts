import { describe, expect, it } from 'vitest';
import {
  desaName,
  findDesa,
  findDesaInRegion,
  findKecamatan,
  findKecamatanInProvince,
  isKelurahan,
  kecamatanName,
  matchesRegion,
  REGIONS,
  regionName,
  resolveRegion,
  suggestDesa,
  suggestKecamatan,
} from '#shared/domain/wilayah.ts';

const KUMAI = { code: '62.01.01', name: 'Kumai' };
const CANDI = { code: '62.01.01.1011', name: 'Candi' };

describe('REGIONS', () => {
  it('has the 13 kabupaten and 1 kota with official and short names', () => {
    expect(REGIONS).toHaveLength(14);
    expect(REGIONS.filter((region) => region.kind === 'kota').map((region) => region.name)).toEqual([
      'Kota Palangka Raya',
    ]);
    const kapuas = REGIONS.find((region) => region.code === '62.03');
    expect(kapuas).toMatchObject({ name: 'Kabupaten Kapuas', shortName: 'Kapuas', bpsCode: '62.03' });
  });

  it('carries the BPS codes that differ for 62.06–62.13 and equal ones elsewhere', () => {
    const bps = Object.fromEntries(REGIONS.map((region) => [region.code, region.bpsCode]));
    expect(bps).toEqual({
      '62.01': '62.01',
      '62.02': '62.02',
      '62.03': '62.03',
      '62.04': '62.04',
      '62.05': '62.05',
      '62.06': '62.09', // Katingan
      '62.07': '62.08', // Seruyan
      '62.08': '62.06', // Sukamara
      '62.09': '62.07', // Lamandau
      '62.10': '62.11', // Gunung Mas
      '62.11': '62.10', // Pulang Pisau
      '62.12': '62.13', // Murung Raya
      '62.13': '62.12', // Barito Timur
      '62.71': '62.71',
    });
  });
});

describe('resolveRegion', () => {
  it.each([
    ['62.03', '62.03'],
    ['6203', '62.03'],
    [' 62.71 ', '62.71'],
    ['Kab. Kapuas', '62.03'],
    ['KAPUAS', '62.03'],
    ['Kabupaten Kapuas', '62.03'],
    ['kab kapuas', '62.03'],
    ['Kota Palangka Raya', '62.71'],
    ['Palangkaraya', '62.71'],
    ['PALANGKA RAYA', '62.71'],
    ['Kotawaringin Barat', '62.01'],
    ['Kab. Kota Waringin Barat', '62.01'],
    ['Kobar', '62.01'],
    ['Kotim', '62.02'],
    ['Kab. Gumas', '62.10'],
    ['Pulang Pisau', '62.11'],
    ['Barito Timur', '62.13'],
    ['Katingan', '62.06'],
  ])('%s → %s', (input, code) => {
    expect(resolveRegion(input)).toBe(code);
  });

  it('reads codes as Kemendagri codes only (62.06 is Katingan, not BPS Sukamara)', () => {
    expect(resolveRegion('62.06')).toBe('62.06');
    expect(regionName('62.06')).toBe('Kabupaten Katingan');
  });

  it.each(['', '62.14', '62', '63.01', 'Kota Kapuas', 'Kabupaten Palangka Raya', 'Banjarmasin'])(
    'rejects %j',
    (input) => {
      expect(resolveRegion(input)).toBeUndefined();
    },
  );
});

describe('matchesRegion', () => {
  it('accepts the Kemendagri code, the BPS code and any spelling of the name', () => {
    for (const value of ['62.06', '6206', '62.09', 'Katingan', 'Kab. Katingan', 'KABUPATEN KATINGAN']) {
      expect(matchesRegion('62.06', value)).toBe(true);
    }
  });

  it('rejects another region', () => {
    expect(matchesRegion('62.06', 'Sukamara')).toBe(false);
    expect(matchesRegion('62.06', '62.08')).toBe(false); // Sukamara (Kemendagri), Seruyan (BPS)
    expect(matchesRegion('62.03', 'Kotawaringin Barat')).toBe(false);
    expect(matchesRegion('62.99', '62.99')).toBe(false);
  });
});

describe('findKecamatan', () => {
  it.each([
    'Kumai',
    'KUMAI',
    ' kumai ',
    'Kec. Kumai',
    'Kec.Kumai',
    'Kecamatan Kumai',
    'KEC KUMAI',
    'kec. kumai.',
    '62.01.01',
    '620101',
  ])('finds Kumai in 62.01 from %j', (text) => {
    expect(findKecamatan('62.01', text)).toEqual(KUMAI);
  });

  it('matches across spacing and the official abbreviations', () => {
    expect(findKecamatan('62.02', 'Kotabesi')).toEqual({ code: '62.02.01', name: 'Kota Besi' });
    expect(findKecamatan('62.04', 'Gunung Bintang Awai')).toEqual({
      code: '62.04.05',
      name: 'Gn. Bintang Awai',
    });
    expect(findKecamatan('62.04', 'Kec. Gn Bintang Awai')).toEqual({
      code: '62.04.05',
      name: 'Gn. Bintang Awai',
    });
  });

  it('does not find a kecamatan of another region, by name or by code', () => {
    expect(findKecamatan('62.01', 'Selat')).toBeUndefined();
    expect(findKecamatan('62.01', '62.03.01')).toBeUndefined();
    expect(findKecamatan('62.03', 'Selat')).toEqual({ code: '62.03.01', name: 'Selat' });
  });

  it('finds nothing for empty or unknown text', () => {
    expect(findKecamatan('62.01', '')).toBeUndefined();
    expect(findKecamatan('62.01', 'Kec.')).toBeUndefined();
    expect(findKecamatan('62.01', 'Atlantis')).toBeUndefined();
  });
});

describe('findDesa', () => {
  it.each([
    'Candi',
    'CANDI',
    'Desa Candi',
    'Ds. Candi',
    'Kel. Candi',
    'Kelurahan Candi',
    'desa  candi',
    '62.01.01.1011',
    '6201011011',
  ])('finds Candi in Kumai from %j', (text) => {
    expect(findDesa('62.01.01', text)).toEqual(CANDI);
  });

  it('expands Sei/Sungai and reads Roman and Arabic numerals alike', () => {
    expect(findDesa('62.11.02', 'Sungai Rungun')).toEqual({ code: '62.11.02.2006', name: 'Sei. Rungun' });
    expect(findDesa('62.11.02', 'Desa Sei Rungun')).toEqual({ code: '62.11.02.2006', name: 'Sei. Rungun' });
    expect(findDesa('62.04.05', 'Patas 2')).toEqual({ code: '62.04.05.2010', name: 'Patas II' });
    expect(findDesa('62.04.05', 'PATAS I')).toEqual({ code: '62.04.05.2009', name: 'Patas I' });
  });

  it('matches within the kecamatan only', () => {
    expect(findDesa('62.01.02', 'Candi')).toBeUndefined();
    expect(findDesa('62.01.02', '62.01.01.1011')).toBeUndefined();
    expect(findDesa('62.01.01', 'Kumai Hulu')).toEqual({ code: '62.01.01.1012', name: 'Kumai Hulu' });
  });
});

describe('suggestions for unknown names', () => {
  it('suggests the closest official kecamatan', () => {
    expect(suggestKecamatan('62.01', 'Kumay')).toBe('Kumai');
    expect(suggestKecamatan('62.01', 'Kec. Arut Selatn')).toBe('Arut Selatan');
  });

  it('suggests the closest desa of the kecamatan', () => {
    expect(suggestDesa('62.01.01', 'Kumai Hulo')).toBe('Kumai Hulu');
    expect(suggestDesa('62.01.01', 'Desa Cande')).toBe('Candi');
  });

  it('suggests nothing when nothing is close, or when the name is already right', () => {
    expect(suggestKecamatan('62.01', 'Jakarta Selatan')).toBeUndefined();
    expect(suggestKecamatan('62.01', 'Kumai')).toBeUndefined();
    expect(suggestDesa('62.01.01', 'Candi')).toBeUndefined();
  });
});

describe('lookups across the province or region, for messages', () => {
  it('tells which region a kecamatan belongs to', () => {
    expect(findKecamatanInProvince('Kec. Selat')).toEqual([{ code: '62.03.01', name: 'Selat' }]);
    expect(findKecamatanInProvince('62.01.01')).toEqual([KUMAI]);
  });

  it('tells which kecamatan of the region a desa belongs to', () => {
    expect(findDesaInRegion('62.01', 'Mendawai')).toEqual([{ code: '62.01.02.1003', name: 'Mendawai' }]);
    expect(findDesaInRegion('62.03', 'Mendawai')).toEqual([]);
  });
});

describe('names by code', () => {
  it('gives official names, or undefined for unknown codes', () => {
    expect(regionName('62.01')).toBe('Kabupaten Kotawaringin Barat');
    expect(regionName('62.71')).toBe('Kota Palangka Raya');
    expect(kecamatanName('62.01.01')).toBe('Kumai');
    expect(desaName('62.01.01.1011')).toBe('Candi');
    expect(regionName('62.99')).toBeUndefined();
    expect(kecamatanName('62.01.99')).toBeUndefined();
    expect(desaName('62.01.01.9999')).toBeUndefined();
  });

  it('tells a kelurahan (1xxx) from a desa (2xxx)', () => {
    expect(isKelurahan('62.01.01.1011')).toBe(true);
    expect(isKelurahan('62.01.01.2001')).toBe(false);
  });
});
