/**
 * Exclusion lists: the families already served by another programme (PKH, bantuan sembako/BPNT,
 * BLT Dana Desa, or another named one), which KHBS must not serve twice. Dinsos or the villages
 * upload them with the programme, the source and the as-of date; entries name a NIK, a No KK or
 * both. A newer list of the same programme, source and region replaces the older one; lists of
 * different programmes, sources or regions add up. Pure: no AWS, no I/O.
 */
import { RUNNING_NUMBER } from '../columns.ts';
import { headerReader } from '../header.ts';
import { cleanDigits, parseNik } from '../nik.ts';
import type { RowProblem } from '../report.ts';
import { compactKey, foldSpaces } from '../text.ts';
import { parseNoKk } from './dtsen-rows.ts';

/** The programmes named in the rules, and their usual spellings; any other name is kept as written. */
export const KNOWN_PROGRAMMES = ['PKH', 'BPNT', 'BLTDD'] as const;
export type KnownProgramme = (typeof KNOWN_PROGRAMMES)[number];

export const PROGRAMME_LABEL: Readonly<Record<KnownProgramme, string>> = {
  PKH: 'Program Keluarga Harapan (PKH)',
  BPNT: 'Bantuan sembako (BPNT)',
  BLTDD: 'BLT Dana Desa',
};

const PROGRAMME_SPELLINGS: Readonly<Record<KnownProgramme, readonly string[]>> = {
  PKH: ['PKH', 'Program Keluarga Harapan'],
  BPNT: [
    'BPNT',
    'Sembako',
    'Bantuan Sembako',
    'Program Sembako',
    'Bantuan Pangan Non Tunai',
    'Kartu Sembako',
  ],
  BLTDD: ['BLTDD', 'BLT DD', 'BLT-DD', 'BLT Dana Desa', 'Bantuan Langsung Tunai Dana Desa', 'BLT Desa'],
};

const programmeByKey = new Map<string, KnownProgramme>();
for (const programme of KNOWN_PROGRAMMES) {
  for (const spelling of PROGRAMME_SPELLINGS[programme]) programmeByKey.set(compactKey(spelling), programme);
}

/**
 * The programme a list names: a known one by any usual spelling, or another programme's name in
 * upper case (`BANSOS PEMKAB`), 2–40 characters. Undefined when nothing usable is written.
 */
export function parseProgramme(text: string): string | undefined {
  const shown = foldSpaces(text);
  if (shown.length < 2 || shown.length > 40) return undefined;
  return programmeByKey.get(compactKey(shown)) ?? shown.toUpperCase();
}

/**
 * Which lists stay in force: per programme, source and region (a regional list, or the province's),
 * the newest as-of date (a later upload of the same date replaces an earlier one, by upload time).
 * Lists of other programmes, sources or regions add up: one kabupaten's list never replaces
 * another's, whatever its source is called.
 */
export function listsInForce<
  T extends {
    programme: string;
    source: string;
    asOf: string;
    uploadedAt: string;
    region?: string | undefined;
  },
>(lists: readonly T[]): T[] {
  const newest = new Map<string, T>();
  for (const list of lists) {
    const key = `${list.programme}\u0000${list.region ?? ''}\u0000${compactKey(list.source)}`;
    const current = newest.get(key);
    if (
      !current ||
      list.asOf > current.asOf ||
      (list.asOf === current.asOf && list.uploadedAt > current.uploadedAt)
    ) {
      newest.set(key, list);
    }
  }
  return [...newest.values()];
}

export const EXCLUSION_COLUMNS = ['program', 'nik', 'no_kk', 'nama', 'kode_desa', 'periode'] as const;
export type ExclusionColumn = (typeof EXCLUSION_COLUMNS)[number];

export const EXCLUSION_COLUMN_LABELS: Readonly<Record<ExclusionColumn, string>> = {
  program: 'Program',
  nik: 'NIK',
  no_kk: 'No KK',
  nama: 'Nama',
  kode_desa: 'Kode Desa',
  periode: 'Periode',
};

export const EXCLUSION_LAYOUT = {
  header: headerReader<ExclusionColumn>({
    aliases: {
      program: ['Program', 'Nama Program', 'Jenis Bantuan', 'Bantuan'],
      nik: ['NIK', 'No NIK', 'No. NIK', 'Nomor NIK', 'NIK KPM', 'NIK Penerima'],
      no_kk: ['No KK', 'No. KK', 'Nomor KK', 'Nomor Kartu Keluarga', 'NOKK'],
      nama: ['Nama', 'Nama KPM', 'Nama Penerima', 'Nama Lengkap'],
      kode_desa: ['Kode Desa', 'Kode Desa/Kelurahan', 'Kode Wilayah', 'KDDESA'],
      periode: ['Periode', 'Bulan', 'Tahap', 'Periode Penyaluran'],
    },
    // NIK or No KK per row; the file needs at least one of the two columns (checked by the import).
    required: [],
    isHeader: (found) => (found.has('nik') || found.has('no_kk')) && found.size >= 2,
    ignored: RUNNING_NUMBER,
  }),
  labels: EXCLUSION_COLUMN_LABELS,
  missingAdvice: 'Daftar pengecualian harus memuat kolom NIK dan/atau No KK.',
  headerHint: 'Pastikan ada baris berisi judul kolom seperti NIK, No KK, Nama, Program.',
} as const;

export interface ExclusionEntry {
  readonly nik?: string;
  readonly noKk?: string;
  /** The programme written on the row, when the list mixes programmes. */
  readonly programme?: string;
}

export type ExclusionProblem = RowProblem<ExclusionColumn>;

/**
 * One entry: a NIK and/or a No KK that can be matched (a NIK with an impossible date part still
 * matches the same number in the registry, so it is kept). A row with neither is refused.
 */
export function validateExclusionRow(raw: Partial<Record<ExclusionColumn, string>>): {
  readonly value: ExclusionEntry | undefined;
  readonly errors: ExclusionProblem[];
} {
  const errors: ExclusionProblem[] = [];
  let nik: string | undefined;
  if ((raw.nik ?? '').trim() !== '') {
    const parsed = parseNik(raw.nik ?? '');
    if (parsed.ok) nik = parsed.nik;
    else if (parsed.code === 'NIK_PROVINCE' || parsed.code === 'NIK_DATE' || parsed.code === 'NIK_SERIAL') {
      nik = cleanDigits(raw.nik ?? '').value;
    } else errors.push({ column: 'nik', code: parsed.code, severity: 'error', message: parsed.message });
  }
  let noKk: string | undefined;
  if ((raw.no_kk ?? '').trim() !== '') {
    const parsed = parseNoKk(raw.no_kk ?? '', 'no_kk');
    if (parsed.noKk !== undefined) noKk = parsed.noKk;
    else if (parsed.problem) errors.push(parsed.problem);
  }
  if (nik === undefined && noKk === undefined && errors.length === 0) {
    errors.push({
      column: null,
      code: 'NIK_ATAU_KK_WAJIB',
      severity: 'error',
      message:
        'Baris tidak memuat NIK maupun No KK: salah satunya wajib diisi agar keluarga dapat dicocokkan.',
    });
  }
  if (errors.length > 0) return { value: undefined, errors };
  const programme = raw.program === undefined ? undefined : parseProgramme(raw.program);
  return {
    value: { ...(nik ? { nik } : {}), ...(noKk ? { noKk } : {}), ...(programme ? { programme } : {}) },
    errors,
  };
}
