/**
 * The regions of Kalimantan Tengah and their kecamatan and desa/kelurahan, by Kemendagri code
 * (`shared/data/README.md`), and the rules that match the free spellings of uploaded files to them.
 *
 * Kemendagri codes are the system's codes because a NIK carries them. BPS statistics codes differ
 * for 62.06–62.13; they are accepted only where they cannot be confused (see {@link matchesRegion}).
 *
 * The official list is indexed into Maps once, on first use (~1,700 entries), so every lookup is
 * O(1) however many rows a file has.
 */
import data from '../data/wilayah-62.json' with { type: 'json' };
import { REGIONS, type Region, type RegionCode } from './regions.ts';
import { closest, compactKey, foldSpaces, memoize, placeKey } from './text.ts';

export { isRegionCode, REGIONS, type Region, type RegionCode } from './regions.ts';

/** An official kecamatan or desa/kelurahan. */
export interface Place {
  /** `62.01.01` (kecamatan) or `62.01.01.1011` (desa/kelurahan). */
  readonly code: string;
  /** Official name without prefix: `Kumai`, `Candi`. */
  readonly name: string;
}

const REGION_PREFIXES = {
  kabupaten: ['', 'kab', 'kabupaten', 'pemkab', 'pemerintahkabupaten'],
  kota: ['', 'kota', 'kotamadya', 'pemkot', 'pemerintahkota'],
} as const;

const regionByCode = new Map<RegionCode, Region>(REGIONS.map((region) => [region.code, region]));
const regionByKey = new Map<string, RegionCode>();
for (const region of REGIONS) {
  for (const base of [region.shortName, ...region.abbreviations]) {
    for (const prefix of REGION_PREFIXES[region.kind])
      regionByKey.set(prefix + compactKey(base), region.code);
  }
}

/** `62.03`, `6203`, `62 03` → `62.03`; anything else → undefined. */
function regionCodeForm(text: string): string | undefined {
  const match = /^62[ .]?(\d{2})$/.exec(text);
  return match ? `62.${match[1]}` : undefined;
}

/**
 * The region that `input` names: a Kemendagri code (`62.03`, `6203`) or a name in any usual spelling
 * (`Kab. Kapuas`, `KAPUAS`, `Kabupaten Kapuas`, `Kota Palangka Raya`, `Palangkaraya`, `Kobar`).
 * A bare BPS code is not accepted: `62.06` is Katingan for Kemendagri and Sukamara for BPS, so
 * codes are always read as Kemendagri codes.
 */
export function resolveRegion(input: string): RegionCode | undefined {
  const text = foldSpaces(input);
  const code = regionCodeForm(text);
  if (code !== undefined) return regionByCode.has(code) ? code : undefined;
  return regionByKey.get(compactKey(text));
}

/**
 * Whether a value of a file's optional `kabupaten` column names `region`: its Kemendagri code, its
 * BPS code (a file exported from a statistics system may carry those), or its name in any spelling.
 * Here a BPS code is safe to accept: the question is only whether the value fits the region the file
 * was uploaded for.
 */
export function matchesRegion(region: RegionCode, value: string): boolean {
  const entry = regionByCode.get(region);
  if (!entry) return false;
  const text = foldSpaces(value);
  const code = regionCodeForm(text);
  if (code !== undefined) return code === entry.code || code === entry.bpsCode;
  return regionByKey.get(compactKey(text)) === region;
}

/** Official name of a region (`Kabupaten Kapuas`), or undefined for an unknown code. */
export const regionName = (code: RegionCode): string | undefined => regionByCode.get(code)?.name;

/** The region's entry, or undefined for an unknown code. */
export const regionOf = (code: RegionCode): Region | undefined => regionByCode.get(code);

// ---------------------------------------------------------------------------------------------
// Kecamatan and desa/kelurahan

const KECAMATAN_PREFIXES: ReadonlySet<string> = new Set(['kec', 'kecamatan', 'kecamatn', 'kcm']);
const DESA_PREFIXES: ReadonlySet<string> = new Set([
  'desa',
  'ds',
  'kel',
  'kelurahan',
  'kelurahn',
  'kelurahandesa',
]);
/** Memoised: a file repeats the same kecamatan and desa text on thousands of rows. */
const kecamatanKey = memoize((text) => placeKey(text, KECAMATAN_PREFIXES));
const desaKey = memoize((text) => placeKey(text, DESA_PREFIXES));

/**
 * Names by matching key within one parent. A key that two official names share maps to `null`:
 * such a spelling is ambiguous and must not silently pick one of them.
 */
type KeyIndex = Map<string, Place | null>;

function addToIndex(index: KeyIndex, key: string, place: Place): void {
  index.set(key, index.has(key) ? null : place);
}

function addToList(index: Map<string, Place[]>, key: string, place: Place): void {
  const list = index.get(key);
  if (list) list.push(place);
  else index.set(key, [place]);
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

interface PlaceIndex {
  readonly kecamatanByCode: Map<string, Place>;
  readonly desaByCode: Map<string, Place>;
  readonly kecamatanByRegion: Map<RegionCode, KeyIndex>;
  readonly desaByKecamatan: Map<string, KeyIndex>;
  /** Every kecamatan of the province by key: to tell an operator which region a name belongs to. */
  readonly kecamatanInProvince: Map<string, Place[]>;
  /** Every desa of a region by key: to tell an operator which kecamatan a desa belongs to. */
  readonly desaInRegion: Map<RegionCode, Map<string, Place[]>>;
}

let index: PlaceIndex | undefined;

/**
 * The official list indexed, built on first use rather than at module load: most API routes import
 * this module only for region names, and should not pay for folding ~1,700 place names at cold start.
 */
function places(): PlaceIndex {
  if (index) return index;
  const kecamatanByCode = new Map<string, Place>();
  const desaByCode = new Map<string, Place>();
  const kecamatanByRegion = new Map<RegionCode, KeyIndex>();
  const desaByKecamatan = new Map<string, KeyIndex>();
  const kecamatanInProvince = new Map<string, Place[]>();
  const desaInRegion = new Map<RegionCode, Map<string, Place[]>>();
  for (const entry of data) {
    const [code, name] = entry;
    if (code === undefined || name === undefined) continue;
    const place: Place = { code, name };
    if (code.length === 8) {
      // 62.NN.NN
      kecamatanByCode.set(code, place);
      const key = placeKey(name);
      addToIndex(
        getOrCreate(kecamatanByRegion, code.slice(0, 5), () => new Map()),
        key,
        place,
      );
      addToList(kecamatanInProvince, key, place);
    } else if (code.length === 13) {
      // 62.NN.NN.NNNN
      desaByCode.set(code, place);
      const key = placeKey(name);
      addToIndex(
        getOrCreate(desaByKecamatan, code.slice(0, 8), () => new Map()),
        key,
        place,
      );
      addToList(
        getOrCreate(desaInRegion, code.slice(0, 5), () => new Map()),
        key,
        place,
      );
    }
  }
  index = {
    kecamatanByCode,
    desaByCode,
    kecamatanByRegion,
    desaByKecamatan,
    kecamatanInProvince,
    desaInRegion,
  };
  return index;
}

const kecamatanCodeForm = (text: string): string | undefined => {
  const match = /^62[ .]?(\d{2})[ .]?(\d{2})$/.exec(text);
  return match ? `62.${match[1]}.${match[2]}` : undefined;
};

const desaCodeForm = (text: string): string | undefined => {
  const match = /^62[ .]?(\d{2})[ .]?(\d{2})[ .]?(\d{4})$/.exec(text);
  return match ? `62.${match[1]}.${match[2]}.${match[3]}` : undefined;
};

/** Kecamatan code of a desa code: `62.01.01.1011` → `62.01.01`. */
export const kecamatanOfDesa = (desaCode: string): string => desaCode.slice(0, 8);

/** Region code of a kecamatan or desa code: `62.01.01` → `62.01`. */
export const regionOfPlace = (code: string): RegionCode => code.slice(0, 5);

/**
 * The official kecamatan of `region` that `text` names: the name in any case and spacing, with or
 * without `Kec.`/`Kecamatan`/`KEC`, common abbreviations expanded (`Sei`/`Sungai`, `Tb.`/`Tumbang`,
 * Roman or Arabic numerals), or its code (`62.01.01`, `620101`). A kecamatan of another region is
 * not found.
 */
export function findKecamatan(region: RegionCode, text: string): Place | undefined {
  const folded = foldSpaces(text);
  if (folded === '') return undefined;
  const code = kecamatanCodeForm(folded);
  if (code !== undefined)
    return regionOfPlace(code) === region ? places().kecamatanByCode.get(code) : undefined;
  return places().kecamatanByRegion.get(region)?.get(kecamatanKey(folded)) ?? undefined;
}

/**
 * The official desa/kelurahan of kecamatan `kecamatanCode` that `text` names: the name in any
 * spelling, with or without `Desa`/`Ds.`/`Kel.`/`Kelurahan`, or its code (`62.01.01.1011`).
 */
export function findDesa(kecamatanCode: string, text: string): Place | undefined {
  const folded = foldSpaces(text);
  if (folded === '') return undefined;
  const code = desaCodeForm(folded);
  if (code !== undefined)
    return kecamatanOfDesa(code) === kecamatanCode ? places().desaByCode.get(code) : undefined;
  return places().desaByKecamatan.get(kecamatanCode)?.get(desaKey(folded)) ?? undefined;
}

function suggest(index: KeyIndex | undefined, key: string): string | undefined {
  if (!index) return undefined;
  const candidates: [string, string][] = [];
  for (const [candidateKey, place] of index) if (place) candidates.push([candidateKey, place.name]);
  return closest(key, candidates);
}

/**
 * For an error message ("Maksud Anda: Kumai?"): the official kecamatan name of `region` closest to
 * `text` (a few typing mistakes at most), or undefined when none is close or `text` already matches.
 */
export function suggestKecamatan(region: RegionCode, text: string): string | undefined {
  if (findKecamatan(region, text)) return undefined;
  return suggest(places().kecamatanByRegion.get(region), kecamatanKey(text));
}

/** Like {@link suggestKecamatan}, for the desa/kelurahan of one kecamatan. */
export function suggestDesa(kecamatanCode: string, text: string): string | undefined {
  if (findDesa(kecamatanCode, text)) return undefined;
  return suggest(places().desaByKecamatan.get(kecamatanCode), desaKey(text));
}

/**
 * Every kecamatan of the province that `text` names, whatever the region: lets a message say "this
 * kecamatan belongs to Kabupaten Kapuas" instead of only "unknown".
 */
export function findKecamatanInProvince(text: string): readonly Place[] {
  const folded = foldSpaces(text);
  const code = kecamatanCodeForm(folded);
  if (code !== undefined) {
    const place = places().kecamatanByCode.get(code);
    return place ? [place] : [];
  }
  return places().kecamatanInProvince.get(kecamatanKey(folded)) ?? [];
}

/** Every desa/kelurahan of `region` that `text` names, whatever its kecamatan. */
export function findDesaInRegion(region: RegionCode, text: string): readonly Place[] {
  const folded = foldSpaces(text);
  const code = desaCodeForm(folded);
  if (code !== undefined) {
    const place = places().desaByCode.get(code);
    return place && regionOfPlace(code) === region ? [place] : [];
  }
  return places().desaInRegion.get(region)?.get(desaKey(folded)) ?? [];
}

/** Official name of a kecamatan code (`62.01.01` → `Kumai`), or undefined. */
export const kecamatanName = (code: string): string | undefined => places().kecamatanByCode.get(code)?.name;

/** Official name of a desa/kelurahan code (`62.01.01.1011` → `Candi`), or undefined. */
export const desaName = (code: string): string | undefined => places().desaByCode.get(code)?.name;

/** A village code whose last part starts with `1` is a kelurahan, with `2` a desa. */
export const isKelurahan = (desaCode: string): boolean => desaCode.charAt(9) === '1';

/** The kecamatan of a region, in code order. */
export function kecamatanList(region: RegionCode): Place[] {
  const prefix = `${region}.`;
  return [...places().kecamatanByCode.values()].filter((place) => place.code.startsWith(prefix));
}

/** The desa/kelurahan of a kecamatan, in code order. */
export function desaList(kecamatanCode: string): Place[] {
  const prefix = `${kecamatanCode}.`;
  return [...places().desaByCode.values()].filter((place) => place.code.startsWith(prefix));
}
