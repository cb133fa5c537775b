/**
 * The eight kinds of BKK recipient (domain.md) and the free-text spellings that uploaded files use
 * for them ("Mantir Adat Desa", "mantir desa", "Bhabin Kamtibmas", "Pemuka Agama/Tokoh Agama"…).
 */
import { closest, compactKey } from './text.ts';

export const ROLE_CODES = [
  'DAMANG',
  'SEKRETARIS_DAMANG',
  'MANTIR_KECAMATAN',
  'MANTIR_DESA',
  'KETUA_RT',
  'BABINSA',
  'BHABINKAMTIBMAS',
  'PEMUKA_AGAMA',
] as const;

export type RoleCode = (typeof ROLE_CODES)[number];

/**
 * Where a role serves, which decides the columns a row needs: a kecamatan-level role needs only the
 * kecamatan, a desa-level role also the desa/kelurahan, and a Ketua RT also the RT.
 */
export type RoleLevel = 'kecamatan' | 'desa' | 'rt';

export interface RoleInfo {
  readonly code: RoleCode;
  /** Indonesian label, as written in decrees and reports. */
  readonly label: string;
  readonly level: RoleLevel;
}

export const ROLES: Readonly<Record<RoleCode, RoleInfo>> = {
  DAMANG: { code: 'DAMANG', label: 'Damang Kepala Adat', level: 'kecamatan' },
  SEKRETARIS_DAMANG: { code: 'SEKRETARIS_DAMANG', label: 'Sekretaris Damang', level: 'kecamatan' },
  MANTIR_KECAMATAN: { code: 'MANTIR_KECAMATAN', label: 'Mantir Adat Kecamatan', level: 'kecamatan' },
  MANTIR_DESA: { code: 'MANTIR_DESA', label: 'Mantir Adat Desa/Kelurahan', level: 'desa' },
  KETUA_RT: { code: 'KETUA_RT', label: 'Ketua RT', level: 'rt' },
  BABINSA: { code: 'BABINSA', label: 'Babinsa', level: 'desa' },
  BHABINKAMTIBMAS: { code: 'BHABINKAMTIBMAS', label: 'Bhabinkamtibmas', level: 'desa' },
  PEMUKA_AGAMA: { code: 'PEMUKA_AGAMA', label: 'Pemuka Agama', level: 'desa' },
};

/**
 * Spellings seen in office files, per role. They are compared after {@link compactKey} (case,
 * spaces and punctuation removed), so "Bhabin Kamtibmas", "BHABINKAMTIBMAS" and "Bhabinkamtibmas."
 * are one entry.
 */
const SPELLINGS: Readonly<Record<RoleCode, readonly string[]>> = {
  DAMANG: ['Damang', 'Damang Kepala Adat', 'Kepala Adat Damang', 'Damang Adat', 'Damang Kecamatan'],
  SEKRETARIS_DAMANG: [
    'Sekretaris Damang',
    'Sekretaris Damang Kepala Adat',
    'Sekdam',
    'Sekdamang',
    'Sekr. Damang',
    'Sek. Damang',
    'Sekertaris Damang',
    'Sekretaris Kedamangan',
  ],
  MANTIR_KECAMATAN: [
    'Mantir Adat Kecamatan',
    'Mantir Kecamatan',
    'Mantir Adat Kec.',
    'Mantir Kec.',
    'Mantir Adat Tingkat Kecamatan',
    'Mantir Tingkat Kecamatan',
  ],
  MANTIR_DESA: [
    'Mantir Adat Desa',
    'Mantir Desa',
    'Mantir Adat Kelurahan',
    'Mantir Kelurahan',
    'Mantir Adat Desa/Kelurahan',
    'Mantir Desa/Kelurahan',
    'Mantir Adat Kel.',
    'Mantir Kel.',
    'Mantir Adat Tingkat Desa',
    'Mantir Tingkat Desa',
  ],
  KETUA_RT: ['Ketua RT', 'RT', 'Ketua Rukun Tetangga', 'Ketua RT/Rukun Tetangga', 'Ka. RT', 'Kepala RT'],
  BABINSA: ['Babinsa', 'Babinsa TNI', 'Babinsa TNI AD', 'Bintara Pembina Desa'],
  BHABINKAMTIBMAS: [
    'Bhabinkamtibmas',
    'Bhabin Kamtibmas',
    'Bhabinkamtibmas Polri',
    'Babinkamtibmas',
    'Babin Kamtibmas',
    'Bhabinkamtibmas/Polri',
    'Bhayangkara Pembina Keamanan dan Ketertiban Masyarakat',
  ],
  PEMUKA_AGAMA: [
    'Pemuka Agama',
    'Tokoh Agama',
    'Pemuka Agama/Tokoh Agama',
    'Tokoh Agama/Pemuka Agama',
    'Toga',
    'Rohaniawan',
    'Pemuka/Tokoh Agama',
    'Tokoh/Pemuka Agama',
  ],
};

const roleByKey = new Map<string, RoleCode>();
for (const code of ROLE_CODES) {
  for (const spelling of SPELLINGS[code]) roleByKey.set(compactKey(spelling), code);
}

/** "Ketua RT 03", "RT.005": the RT's number in the role text does not change the role. */
const KETUA_RT_WITH_NUMBER = /^(?:ketuart|rt|ketuarukuntetangga)\d{1,3}$/;

/** Written without the level, "Mantir" could be either of two roles with different amounts. */
const AMBIGUOUS_MANTIR: ReadonlySet<string> = new Set([
  'mantir',
  'mantiradat',
  'anggotamantir',
  'anggotamantiradat',
]);

/** A role code in words (`KETUA_RT` → `Ketua RT`); anything else as it is (a label already, an unknown code). */
export const roleLabel = (code: string): string => ROLES[code as RoleCode]?.label ?? code;

/**
 * The role that `text` names in one of the usual spellings (case, spaces and punctuation do not
 * matter), or undefined. Plain "Mantir" or "Mantir Adat" is undefined: the level decides the role
 * (see {@link roleHint}).
 */
export function parseRole(text: string): RoleCode | undefined {
  const key = compactKey(text);
  if (key === '') return undefined;
  const role = roleByKey.get(key);
  if (role) return role;
  return KETUA_RT_WITH_NUMBER.test(key) ? 'KETUA_RT' : undefined;
}

/**
 * For an unknown role text, what to tell the operator (in Bahasa Indonesia), or undefined when
 * there is nothing more specific than the list of roles: which Mantir is meant, or the closest
 * role when the text looks like a typing mistake ("Babinas").
 */
export function roleHint(text: string): string | undefined {
  const key = compactKey(text);
  if (key === '' || parseRole(text)) return undefined;
  if (AMBIGUOUS_MANTIR.has(key)) {
    return 'Tuliskan tingkatnya: "Mantir Kecamatan" (Mantir Adat tingkat kecamatan) atau "Mantir Desa" (Mantir Adat tingkat desa/kelurahan).';
  }
  const candidates: [string, RoleCode][] = [...roleByKey].filter(([candidate]) => candidate.length > 2);
  const role = closest(key, candidates);
  return role ? `Maksud Anda: ${ROLES[role].label}?` : undefined;
}

/** The accepted role names, for messages: `Damang, Sekretaris Damang, …`. */
export const ROLE_LIST_TEXT =
  'Damang, Sekretaris Damang, Mantir Kecamatan, Mantir Desa, Ketua RT, Babinsa, Bhabinkamtibmas, Pemuka Agama';
