/**
 * A member's relationship to the head of the family (hubungan dalam keluarga), as extracts write
 * it: in words ("Kepala Keluarga", "ISTRI", "Anak Kandung") or as a number of a code list that
 * depends on the source (families.md: Dukcapil's SHDK numbers 1 kepala keluarga, 2 suami, 3 istri,
 * 4 anak…; BPS household forms number them otherwise). Words are always read; numbers only under the
 * code list configured for the upload (Dukcapil's by default), and an unknown one is refused with
 * the reason — a wrong list would silently make children heads of families.
 */
import { compactKey, foldSpaces } from '../text.ts';

export const RELATIONSHIPS = [
  'KEPALA_KELUARGA',
  'SUAMI',
  'ISTRI',
  'ANAK',
  'MENANTU',
  'CUCU',
  'ORANG_TUA',
  'MERTUA',
  'FAMILI_LAIN',
  'PEMBANTU',
  'LAINNYA',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export const RELATIONSHIP_LABEL: Readonly<Record<Relationship, string>> = {
  KEPALA_KELUARGA: 'Kepala keluarga',
  SUAMI: 'Suami',
  ISTRI: 'Istri',
  ANAK: 'Anak',
  MENANTU: 'Menantu',
  CUCU: 'Cucu',
  ORANG_TUA: 'Orang tua',
  MERTUA: 'Mertua',
  FAMILI_LAIN: 'Famili lain',
  PEMBANTU: 'Pembantu',
  LAINNYA: 'Lainnya',
};

/** A numbered code list: its name (for messages) and what each number means. */
export interface RelationshipCodeList {
  readonly name: string;
  readonly codes: Readonly<Record<string, Relationship>>;
}

/** Dukcapil's SHDK (status hubungan dalam keluarga), as printed on the Kartu Keluarga. */
export const DUKCAPIL_SHDK: RelationshipCodeList = {
  name: 'SHDK Dukcapil',
  codes: {
    '1': 'KEPALA_KELUARGA',
    '2': 'SUAMI',
    '3': 'ISTRI',
    '4': 'ANAK',
    '5': 'MENANTU',
    '6': 'CUCU',
    '7': 'ORANG_TUA',
    '8': 'MERTUA',
    '9': 'FAMILI_LAIN',
    '10': 'PEMBANTU',
    '11': 'LAINNYA',
  },
};

/** No numbers at all: for an extract whose source numbers relationships in a list not configured here. */
export const WORDS_ONLY: RelationshipCodeList = { name: 'daftar tanpa kode (hanya kata)', codes: {} };

/**
 * The code lists an import may name (`POST /imports` `kodeHubungan`): Dukcapil's SHDK by default. A
 * source with its own numbering (a BPS household form) gets an entry here once its list is known.
 */
export const RELATIONSHIP_CODE_LISTS = { DUKCAPIL: DUKCAPIL_SHDK, KATA: WORDS_ONLY } as const;
export type RelationshipCodeListName = keyof typeof RELATIONSHIP_CODE_LISTS;

/** The words offices and extracts use, by matching key (case, spaces and punctuation ignored). */
const WORDS: Readonly<Record<Relationship, readonly string[]>> = {
  KEPALA_KELUARGA: ['Kepala Keluarga', 'Kepala', 'KK', 'Kep. Keluarga', 'Kepala Rumah Tangga', 'KRT'],
  SUAMI: ['Suami'],
  ISTRI: ['Istri', 'Isteri'],
  ANAK: ['Anak', 'Anak Kandung', 'Anak Tiri', 'Anak Angkat', 'Anak Tiri/Angkat'],
  MENANTU: ['Menantu'],
  CUCU: ['Cucu'],
  ORANG_TUA: ['Orang Tua', 'Orangtua', 'Ortu', 'Ayah', 'Ibu', 'Bapak'],
  MERTUA: ['Mertua'],
  FAMILI_LAIN: ['Famili Lain', 'Famili', 'Saudara', 'Keluarga Lain', 'Family Lain'],
  PEMBANTU: ['Pembantu', 'Pembantu Rumah Tangga', 'PRT'],
  LAINNYA: ['Lainnya', 'Lain-lain', 'Lain Lain', 'Lain'],
};

let wordIndex: Map<string, Relationship> | undefined;

/** The words by matching key, built on first use: modules that only name the relationships pay nothing. */
function byWord(): Map<string, Relationship> {
  if (wordIndex) return wordIndex;
  wordIndex = new Map();
  for (const relationship of RELATIONSHIPS) {
    for (const word of WORDS[relationship]) wordIndex.set(compactKey(word), relationship);
  }
  return wordIndex;
}

export type RelationshipResult =
  | { readonly ok: true; readonly value: Relationship }
  | {
      readonly ok: false;
      readonly code: 'HUBUNGAN_WAJIB' | 'HUBUNGAN_TIDAK_DIKENAL';
      readonly message: string;
    };

/** Reads a relationship cell: words always, numbers under `codeList`. */
export function parseRelationship(
  text: string,
  codeList: RelationshipCodeList = DUKCAPIL_SHDK,
): RelationshipResult {
  const shown = foldSpaces(text);
  if (shown === '') {
    return {
      ok: false,
      code: 'HUBUNGAN_WAJIB',
      message: 'Hubungan dalam keluarga wajib diisi, mis. Kepala Keluarga, Istri, Anak.',
    };
  }
  // `01`, `1.0` (a number cell through Excel) and `1` are the same code.
  const number = /^0*(\d{1,2})(?:\.0+)?$/.exec(shown)?.[1];
  if (number !== undefined) {
    const value = codeList.codes[number];
    if (value) return { ok: true, value };
    const known = Object.entries(codeList.codes)
      .map(([code, relationship]) => `${code} ${RELATIONSHIP_LABEL[relationship]}`)
      .join(', ');
    return {
      ok: false,
      code: 'HUBUNGAN_TIDAK_DIKENAL',
      message: `Kode hubungan ${number} tidak ada dalam ${codeList.name} (${known}). Tulis hubungannya dengan kata, atau minta admin mengatur daftar kode sumber ekstrak ini.`,
    };
  }
  const value = byWord().get(compactKey(shown));
  if (value) return { ok: true, value };
  return {
    ok: false,
    code: 'HUBUNGAN_TIDAK_DIKENAL',
    message: `Hubungan "${shown.length > 30 ? `${shown.slice(0, 30)}…` : shown}" tidak dikenal. Gunakan salah satu: ${RELATIONSHIPS.map((relationship) => RELATIONSHIP_LABEL[relationship]).join(', ')}.`,
  };
}

/** Whether a relationship is the head of the family. */
export const isHead = (relationship: Relationship): boolean => relationship === 'KEPALA_KELUARGA';
