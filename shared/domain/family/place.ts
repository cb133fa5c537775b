/**
 * Where a family of a DTSEN extract lives, from whatever codes and names the extract carries.
 *
 * Extracts come from BPS or Kemensos, and their codes are not always Kemendagri's (families.md,
 * "Traps in real extracts"): BPS numbers the kabupaten 62.06–62.13 in another order, its kecamatan
 * codes have 7 digits, and its 10-digit desa codes look like Kemendagri's — dozens of them are valid
 * Kemendagri codes of a *different* village. So a code is trusted only when the name beside it
 * agrees; otherwise the name decides, and a row whose place cannot be told is refused with the
 * reason and, where one is close, a suggestion — never a guess.
 *
 * Pure: no AWS, no I/O; the official list is the one `wilayah.ts` reads (Kemendagri, in the repo).
 */
import { compactKey, foldSpaces } from '../text.ts';
import {
  desaName,
  findDesa,
  findKecamatan,
  isRegionCode,
  kecamatanName,
  kecamatanOfDesa,
  type Place,
  REGIONS,
  type RegionCode,
  regionOf,
  regionOfPlace,
  resolveRegion,
  suggestDesa,
  suggestKecamatan,
} from '../wilayah.ts';

/** The wilayah cells of one row, as read (any may be empty). */
export interface PlaceCells {
  readonly kabupatenCode?: string;
  readonly kabupatenName?: string;
  readonly kecamatanCode?: string;
  readonly kecamatanName?: string;
  readonly desaCode?: string;
  readonly desaName?: string;
}

/** A code the row carried that was not used, and why (shown as a warning, the row is kept). */
export type PlaceNote = 'KODE_KECAMATAN_DIABAIKAN' | 'KODE_DESA_DIABAIKAN' | 'NAMA_ALIAS';

export type PlaceProblem =
  | 'KABUPATEN_LAIN'
  | 'KABUPATEN_TIDAK_DIKENAL'
  | 'KECAMATAN_WAJIB'
  | 'KECAMATAN_TIDAK_DIKENAL'
  | 'DESA_WAJIB'
  | 'DESA_TIDAK_DIKENAL';

export type Placed =
  | {
      readonly ok: true;
      readonly kecamatan: Place;
      readonly desa: Place;
      /** Codes set aside because their names disagreed, or a name read through an alias. */
      readonly notes: readonly { readonly code: PlaceNote; readonly message: string }[];
    }
  | { readonly ok: false; readonly code: PlaceProblem; readonly message: string };

/**
 * Spellings of the two lists that differ by more than the matching key forgives (families.md names
 * these), mapped to the official name. Applied only when the spelling as written names nothing: an
 * alias never overrides an official name.
 */
export const PLACE_ALIASES: Readonly<Record<string, string>> = {
  'Pegatan Hilir': 'Pagatan Hilir',
  'Pegatan Hulu': 'Pagatan Hulu',
  Telangkah: 'Talangkah',
};

const aliasByKey = new Map(Object.entries(PLACE_ALIASES).map(([alias, name]) => [compactKey(alias), name]));

const digitsOf = (value: string | undefined): string => (value ?? '').replace(/[\s.]/g, '');

type Refusal = Extract<Placed, { ok: false }>;

const refuse = (code: PlaceProblem, message: string): Refusal => ({ ok: false, code, message });

/**
 * Places a row of the extract of `region` (the kabupaten the upload is for). Resolves with the
 * Kemendagri kecamatan and desa, or refuses with the reason in Bahasa Indonesia.
 */
export function placeFamily(region: RegionCode, cells: PlaceCells): Placed {
  const kabupaten = checkKabupaten(region, cells);
  if (kabupaten) return kabupaten;
  const notes: { code: PlaceNote; message: string }[] = [];

  const kecamatan = resolvePlace({
    level: 'kecamatan',
    code: kecamatanCodeOf(digitsOf(cells.kecamatanCode)),
    name: foldSpaces(cells.kecamatanName ?? ''),
    parent: region,
    region,
    find: (name) => findKecamatan(region, name),
    suggest: (name) => suggestKecamatan(region, name),
    inParent: (place) => regionOfPlace(place.code) === region,
    nameOf: kecamatanName,
    notes,
  });
  if (!kecamatan.ok) return kecamatan;

  const desa = resolvePlace({
    level: 'desa',
    code: desaCodeOf(digitsOf(cells.desaCode)),
    name: foldSpaces(cells.desaName ?? ''),
    parent: kecamatan.place.code,
    region,
    find: (name) => findDesa(kecamatan.place.code, name),
    suggest: (name) => suggestDesa(kecamatan.place.code, name),
    inParent: (place) => kecamatanOfDesa(place.code) === kecamatan.place.code,
    nameOf: desaName,
    notes,
  });
  if (!desa.ok) return desa;
  return { ok: true, kecamatan: kecamatan.place, desa: desa.place, notes };
}

/**
 * The row's kabupaten must be the upload's: by name when it has one (a name is never ambiguous),
 * else by code, read as the region's Kemendagri code or its BPS code (either is this region; a code
 * that is neither is another kabupaten's, whichever list it comes from).
 */
function checkKabupaten(region: RegionCode, cells: PlaceCells): Refusal | undefined {
  const own = regionOf(region);
  if (!own) throw new Error(`unknown region ${region}`);
  const name = foldSpaces(cells.kabupatenName ?? '');
  if (name !== '') {
    const named = resolveRegion(name);
    if (named === undefined) {
      return refuse(
        'KABUPATEN_TIDAK_DIKENAL',
        `Kabupaten/kota "${clip(name)}" tidak dikenal di Kalimantan Tengah; berkas ini untuk ${own.name}.`,
      );
    }
    if (named !== region) {
      return refuse(
        'KABUPATEN_LAIN',
        `Keluarga ini tercatat di ${regionOf(named)?.name ?? named}, bukan ${own.name}. Unggah baris ini dalam ekstrak kabupaten/kota tersebut.`,
      );
    }
    return undefined;
  }
  const digits = digitsOf(cells.kabupatenCode);
  if (digits === '') return undefined;
  const code = /^62\d{2}$/.test(digits) ? `62.${digits.slice(2)}` : undefined;
  if (code === own.code || code === own.bpsCode) return undefined;
  const other = REGIONS.find((entry) => entry.code === code);
  const otherBps = REGIONS.find((entry) => entry.bpsCode === code);
  return refuse(
    'KABUPATEN_LAIN',
    code === undefined
      ? `Kode kabupaten/kota "${clip(digits)}" tidak dikenal; berkas ini untuk ${own.name} (kode ${own.code.replace('.', '')}${own.bpsCode !== own.code ? `, kode BPS ${own.bpsCode.replace('.', '')}` : ''}).`
      : `Kode kabupaten/kota ${digits} bukan ${own.name}: menurut Kemendagri itu ${other?.name ?? 'tidak ada'}, menurut BPS ${otherBps?.name ?? 'tidak ada'}. Tuliskan juga nama kabupaten/kota agar baris dapat dipastikan.`,
  );
}

interface Resolve {
  readonly level: 'kecamatan' | 'desa';
  /** The Kemendagri-shaped code the cell holds, if its shape is one. */
  readonly code: string | undefined;
  readonly name: string;
  readonly parent: string;
  /** The upload's region. */
  readonly region: RegionCode;
  find(name: string): Place | undefined;
  suggest(name: string): string | undefined;
  inParent(place: Place): boolean;
  /** The official name of a code anywhere in the province (to say whose code it is). */
  nameOf(code: string): string | undefined;
  readonly notes: { code: PlaceNote; message: string }[];
}

function resolvePlace(input: Resolve): { ok: true; place: Place } | Refusal {
  const { level, code, name, notes } = input;
  const label = level === 'kecamatan' ? 'Kecamatan' : 'Desa/kelurahan';
  const byCode = code === undefined ? undefined : input.find(code);
  if (name === '') {
    // A code alone is trusted only in Kemendagri's shape and inside the parent; a BPS kecamatan
    // code (7 digits) cannot be read without its name.
    if (byCode && input.inParent(byCode)) return { ok: true, place: byCode };
    return refuse(
      level === 'kecamatan' ? 'KECAMATAN_WAJIB' : 'DESA_WAJIB',
      `${label} tidak dapat ditentukan: ${code === undefined ? 'kode dan nama kosong atau kodenya bukan kode Kemendagri' : 'kodenya tidak ada di wilayah ini'}. Isi nama ${label.toLowerCase()}.`,
    );
  }
  let byName = input.find(name);
  if (!byName) {
    const official = aliasByKey.get(compactKey(name));
    const aliased = official === undefined ? undefined : input.find(official);
    if (aliased) {
      byName = aliased;
      notes.push({ code: 'NAMA_ALIAS', message: `${label} "${clip(name)}" dibaca sebagai ${aliased.name}.` });
    }
  }
  if (byName) {
    // A code of this region that names another place is the trap worth a word (BPS desa codes
    // that are valid Kemendagri codes of a different village); a code of another shape or region,
    // or one that names no place at all (a BPS extract's own numbering, on every row: where the BPS
    // kabupaten code is the Kemendagri one, `6203010001` reads as 62.03.01.0001), is set aside
    // silently.
    const owner = code === undefined ? undefined : input.nameOf(code);
    if (
      code !== undefined &&
      owner !== undefined &&
      regionOfPlace(code) === input.region &&
      byCode?.code !== byName.code
    ) {
      notes.push({
        code: level === 'kecamatan' ? 'KODE_KECAMATAN_DIABAIKAN' : 'KODE_DESA_DIABAIKAN',
        message: `Kode ${label.toLowerCase()} ${code.replaceAll('.', '')} adalah kode ${owner}, bukan ${byName.name} (mungkin kode BPS): dipakai nama, ${byName.name} (${byName.code}).`,
      });
    }
    return { ok: true, place: byName };
  }
  const suggestion = input.suggest(name);
  const parentName =
    level === 'kecamatan' ? regionOf(input.parent)?.name : `Kecamatan ${kecamatanName(input.parent)}`;
  return refuse(
    level === 'kecamatan' ? 'KECAMATAN_TIDAK_DIKENAL' : 'DESA_TIDAK_DIKENAL',
    `${label} "${clip(name)}" tidak ada di ${parentName ?? input.parent}.${suggestion ? ` Maksud Anda: ${suggestion}?` : ''}`,
  );
}

/** `620301`, `62.03.01` → `62.03.01`; a BPS 7-digit code or anything else → undefined. */
function kecamatanCodeOf(digits: string): string | undefined {
  const match = /^62(\d{2})(\d{2})$/.exec(digits);
  return match && isRegionCode(`62.${match[1]}`) ? `62.${match[1]}.${match[2]}` : undefined;
}

/** `6203012001`, `62.03.01.2001` → `62.03.01.2001`; anything else → undefined. */
function desaCodeOf(digits: string): string | undefined {
  const match = /^62(\d{2})(\d{2})(\d{4})$/.exec(digits);
  return match && isRegionCode(`62.${match[1]}`) ? `62.${match[1]}.${match[2]}.${match[3]}` : undefined;
}

const clip = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);
