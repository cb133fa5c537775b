/**
 * The columns of an uploaded recipient file (interfaces.md §1) and how header text maps to them.
 * Offices write headers freely ("No. NIK", "Nama Lengkap", "Desa/Kelurahan", "No. Rek"), often
 * below a few title rows; matching ignores case, spaces and punctuation.
 */
import { compactKey } from './text.ts';

export const COLUMN_NAMES = [
  'nik',
  'nama',
  'peran',
  'kecamatan',
  'desa',
  'rt',
  'no_rekening',
  'nama_rekening',
  'no_hp',
  'kabupaten',
] as const;

export type ColumnName = (typeof COLUMN_NAMES)[number];

/**
 * Columns every file must have. `desa` and `rt` are required per row, by role (a list of Damang
 * needs neither), so a file without them is still read.
 */
export const REQUIRED_COLUMNS: readonly ColumnName[] = ['nik', 'nama', 'peran', 'kecamatan', 'no_rekening'];

/** The header text an operator knows each column by (template headers, error report, messages). */
export const COLUMN_LABELS: Readonly<Record<ColumnName, string>> = {
  nik: 'NIK',
  nama: 'Nama',
  peran: 'Peran',
  kecamatan: 'Kecamatan',
  desa: 'Desa/Kelurahan',
  rt: 'RT',
  no_rekening: 'No Rekening',
  nama_rekening: 'Nama Rekening',
  no_hp: 'No HP',
  kabupaten: 'Kabupaten/Kota',
};

/** Header spellings per column; compared after {@link headerKey}. */
const ALIASES: Readonly<Record<ColumnName, readonly string[]>> = {
  nik: [
    'NIK',
    'No. NIK',
    'No NIK',
    'Nomor NIK',
    'Nomor Induk Kependudukan',
    'NIK KTP',
    'NIK/No. KTP',
    'No. KTP',
    'Nomor KTP',
    'NIK Penerima',
  ],
  nama: [
    'Nama',
    'Nama Lengkap',
    'Nama Penerima',
    'Nama Penerima BKK',
    'Nama Sesuai KTP',
    'Nama Lengkap Sesuai KTP',
  ],
  peran: [
    'Peran',
    'Jabatan',
    'Unsur',
    'Kategori',
    'Peran/Jabatan',
    'Jabatan/Peran',
    'Unsur Penerima',
    'Kategori Penerima',
  ],
  kecamatan: ['Kecamatan', 'Kec.', 'Kec', 'Nama Kecamatan'],
  desa: [
    'Desa',
    'Kelurahan',
    'Desa/Kelurahan',
    'Kelurahan/Desa',
    'Desa/Kel.',
    'Kel/Desa',
    'Nama Desa',
    'Nama Desa/Kelurahan',
  ],
  rt: ['RT', 'No RT', 'No. RT', 'Nomor RT', 'RT/RW'],
  no_rekening: [
    'No Rekening',
    'No. Rekening',
    'Nomor Rekening',
    'Rekening',
    'Rekening Bank Kalteng',
    'No. Rekening Bank Kalteng',
    'Nomor Rekening Bank Kalteng',
    'No. Rek',
    'No Rek',
    'Norek',
    'Nomor Rek',
    'No. Rek. Bank Kalteng',
  ],
  nama_rekening: [
    'Nama Rekening',
    'Atas Nama',
    'Atas Nama Rekening',
    'Nama Pemilik Rekening',
    'Nama di Rekening',
    'Nama Rek',
  ],
  no_hp: [
    'No HP',
    'No. HP',
    'Nomor HP',
    'HP',
    'Telepon',
    'No Telp',
    'No. Telp',
    'Telp',
    'No Telepon',
    'Nomor Telepon',
    'No HP/WA',
    'No. WA',
    'No WhatsApp',
    'No Handphone',
  ],
  kabupaten: ['Kabupaten', 'Kabupaten/Kota', 'Kab/Kota', 'Kab./Kota', 'Kab.', 'Kota', 'Kabupaten Kota'],
};

/** A running-number column ("No", "No. Urut") is normal in office files and is not data. */
const RUNNING_NUMBER: ReadonlySet<string> = new Set(['no', 'nomor', 'nourut', 'nomorurut', 'nmr', 'urut']);

/**
 * Header text → matching key: a note in brackets ("NIK (16 digit)") and required-field stars are
 * dropped, then case, spaces and punctuation.
 */
export function headerKey(text: string): string {
  const key = compactKey(text.replace(/\([^)]*\)|\[[^\]]*\]/g, ' '));
  return key === '' ? compactKey(text) : key;
}

const columnByKey = new Map<string, ColumnName>();
for (const column of COLUMN_NAMES) {
  for (const alias of ALIASES[column]) columnByKey.set(headerKey(alias), column);
}

/** The column that a header cell names, or undefined. */
export const columnForHeader = (text: string): ColumnName | undefined => columnByKey.get(headerKey(text));

export interface HeaderMatch {
  /** Cell index (0-based) → column. */
  readonly columns: ReadonlyMap<number, ColumnName>;
  /** Required columns this header lacks: the file cannot be imported without them. */
  readonly missing: ColumnName[];
  /** Header texts that name no column (and repeats of a column already found); their cells are not read. */
  readonly unknown: string[];
}

/**
 * Reads `cells` as a header row. Returns a match only when the row looks like one: it names the NIK
 * column and at least two other known columns, so a title row ("DAFTAR PENERIMA BKK …") or a data
 * row is passed over. The first cell naming a column wins; a running-number column is ignored.
 */
export function detectHeader(cells: readonly string[]): HeaderMatch | undefined {
  const columns = new Map<number, ColumnName>();
  const found = new Set<ColumnName>();
  const unknown: string[] = [];
  cells.forEach((cell, index) => {
    const text = cell.trim();
    const key = headerKey(text);
    if (key === '' || RUNNING_NUMBER.has(key)) return;
    const column = columnByKey.get(key);
    if (!column || found.has(column)) {
      unknown.push(text);
      return;
    }
    columns.set(index, column);
    found.add(column);
  });
  if (!found.has('nik') || found.size < 3) return undefined;
  return { columns, missing: REQUIRED_COLUMNS.filter((column) => !found.has(column)), unknown };
}
