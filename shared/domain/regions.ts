/**
 * The 13 kabupaten and 1 kota of Kalimantan Tengah, by Kemendagri code: the short list that access
 * checks and routes need, kept apart from the ~1,700 kecamatan and desa in `wilayah.ts` so that a
 * function reading only region codes does not load the whole official list.
 */

/** A Kemendagri kabupaten/kota code, `62.NN` (e.g. `62.03`, Kabupaten Kapuas). */
export type RegionCode = string;

export interface Region {
  readonly code: RegionCode;
  /** Official name, as in decrees: `Kabupaten Kapuas`, `Kota Palangka Raya`. */
  readonly name: string;
  /** The name without `Kabupaten`/`Kota`: `Kapuas`. */
  readonly shortName: string;
  /** The BPS statistics code, which differs from `code` for 62.06–62.13. */
  readonly bpsCode: string;
  readonly kind: 'kabupaten' | 'kota';
  /** Local abbreviations that offices write (`Kobar`, `Kotim`, `Gumas`…). */
  readonly abbreviations: readonly string[];
}

const kabupaten = (
  code: string,
  shortName: string,
  bpsCode: string,
  abbreviations: string[] = [],
): Region => ({
  code,
  name: `Kabupaten ${shortName}`,
  shortName,
  bpsCode,
  kind: 'kabupaten',
  abbreviations,
});

/**
 * The 13 kabupaten and 1 kota, in Kemendagri order. Palangka Raya is written as the city and the
 * province write it ("Kota Palangka Raya"); the extracted list spells it "Palangkaraya", and both
 * spellings match.
 */
export const REGIONS: readonly Region[] = [
  kabupaten('62.01', 'Kotawaringin Barat', '62.01', ['Kobar']),
  kabupaten('62.02', 'Kotawaringin Timur', '62.02', ['Kotim']),
  kabupaten('62.03', 'Kapuas', '62.03'),
  kabupaten('62.04', 'Barito Selatan', '62.04', ['Barsel']),
  kabupaten('62.05', 'Barito Utara', '62.05', ['Barut']),
  kabupaten('62.06', 'Katingan', '62.09'),
  kabupaten('62.07', 'Seruyan', '62.08'),
  kabupaten('62.08', 'Sukamara', '62.06'),
  kabupaten('62.09', 'Lamandau', '62.07'),
  kabupaten('62.10', 'Gunung Mas', '62.11', ['Gumas']),
  kabupaten('62.11', 'Pulang Pisau', '62.10', ['Pulpis']),
  kabupaten('62.12', 'Murung Raya', '62.13', ['Mura']),
  kabupaten('62.13', 'Barito Timur', '62.12', ['Bartim']),
  {
    code: '62.71',
    name: 'Kota Palangka Raya',
    shortName: 'Palangka Raya',
    bpsCode: '62.71',
    kind: 'kota',
    abbreviations: [],
  },
];

const REGION_CODES: ReadonlySet<RegionCode> = new Set(REGIONS.map((region) => region.code));

/** Whether `code` is the Kemendagri code of one of the 14 regions (`62.99` is not). */
export const isRegionCode = (code: string): boolean => REGION_CODES.has(code);
