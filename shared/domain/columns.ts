/**
 * The columns of an uploaded recipient file (interfaces.md §1) and how header text maps to them.
 * Offices write headers freely ("No. NIK", "Nama Lengkap", "Desa/Kelurahan", "No. Rek"), often
 * below a few title rows; matching ignores case, spaces and punctuation.
 */
import { type HeaderMatch as GenericHeaderMatch, headerReader } from './header.ts';

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

/** Header spellings per column; compared after `headerKey` (`header.ts`). */
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
export const RUNNING_NUMBER: ReadonlySet<string> = new Set([
  'no',
  'nomor',
  'nourut',
  'nomorurut',
  'nmr',
  'urut',
]);

export type HeaderMatch = GenericHeaderMatch<ColumnName>;

/**
 * A row is the header when it names the NIK column and at least two other known columns, so a
 * title row ("DAFTAR PENERIMA BKK …") or a data row is passed over; a running-number column is
 * ignored.
 */
const header = headerReader<ColumnName>({
  aliases: ALIASES,
  required: REQUIRED_COLUMNS,
  isHeader: (found) => found.has('nik') && found.size >= 3,
  ignored: RUNNING_NUMBER,
});

/** The column that a header cell names, or undefined. */
export const columnForHeader = header.columnFor;

/** Reads `cells` as the header row of a recipient file (see {@link header}). */
export const detectHeader = header.detect;

/** The recipient file as the row reader (`shared/import/rows.ts`) reads it. */
export const RECIPIENT_LAYOUT = {
  header,
  labels: COLUMN_LABELS,
  missingAdvice: 'Tambahkan kolom tersebut dengan judul yang sesuai templat, lalu unggah ulang.',
  headerHint: 'Pastikan ada baris berisi judul kolom seperti NIK, Nama, Peran, Kecamatan, Desa, No Rekening.',
} as const;
