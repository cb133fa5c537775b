/**
 * The two files of a DTSEN extract (families.md, "Files users exchange"): one line per family, one
 * line per member, joined by No KK. Extracts come from BPS or Kemensos with their own headers, so
 * each column has the spellings seen in them; matching ignores case, spaces and punctuation.
 */
import { RUNNING_NUMBER } from '../columns.ts';
import { headerReader } from '../header.ts';

export const FAMILY_COLUMNS = [
  'no_kk',
  'kode_kabupaten',
  'kabupaten',
  'kode_kecamatan',
  'kecamatan',
  'kode_desa',
  'desa',
  'alamat',
  'nama_kepala_keluarga',
  'jumlah_anggota',
  'desil_nasional',
] as const;
export type FamilyColumn = (typeof FAMILY_COLUMNS)[number];

export const FAMILY_COLUMN_LABELS: Readonly<Record<FamilyColumn, string>> = {
  no_kk: 'No KK',
  kode_kabupaten: 'Kode Kabupaten/Kota',
  kabupaten: 'Kabupaten/Kota',
  kode_kecamatan: 'Kode Kecamatan',
  kecamatan: 'Kecamatan',
  kode_desa: 'Kode Desa/Kelurahan',
  desa: 'Desa/Kelurahan',
  alamat: 'Alamat',
  nama_kepala_keluarga: 'Nama Kepala Keluarga',
  jumlah_anggota: 'Jumlah Anggota',
  desil_nasional: 'Desil Nasional',
};

const NO_KK = ['No KK', 'No. KK', 'Nomor KK', 'Nomor Kartu Keluarga', 'No Kartu Keluarga', 'NOKK', 'KK'];

/** Header spellings of each families column, as seen in extracts (the first is the usual one). */
export const FAMILY_ALIASES: Readonly<Record<FamilyColumn, readonly string[]>> = {
  no_kk: NO_KK,
  kode_kabupaten: [
    'Kode Kabupaten',
    'Kode Kab',
    'Kd Kab',
    'Kode Kabupaten/Kota',
    'Kode Kab/Kota',
    'KDKAB',
    'Kode Kota',
  ],
  kabupaten: [
    'Kabupaten',
    'Kabupaten/Kota',
    'Kab/Kota',
    'Nama Kabupaten',
    'Nama Kabupaten/Kota',
    'Kota',
    'NMKAB',
  ],
  kode_kecamatan: ['Kode Kecamatan', 'Kode Kec', 'Kd Kec', 'KDKEC'],
  kecamatan: ['Kecamatan', 'Nama Kecamatan', 'Kec', 'NMKEC'],
  kode_desa: [
    'Kode Desa',
    'Kode Desa/Kelurahan',
    'Kode Kelurahan',
    'Kode Desa/Kel',
    'Kd Desa',
    'KDDESA',
    'Kode Wilayah',
  ],
  desa: ['Desa', 'Desa/Kelurahan', 'Kelurahan', 'Nama Desa', 'Nama Desa/Kelurahan', 'Desa/Kel', 'NMDESA'],
  alamat: ['Alamat', 'Alamat Lengkap', 'Alamat Rumah', 'Alamat Tempat Tinggal'],
  nama_kepala_keluarga: [
    'Nama Kepala Keluarga',
    'Nama KK',
    'Kepala Keluarga',
    'Nama Kepala Rumah Tangga',
    'Nama KRT',
  ],
  jumlah_anggota: [
    'Jumlah Anggota',
    'Jumlah Anggota Keluarga',
    'Jml Anggota',
    'JML ART',
    'Jumlah ART',
    'Jumlah Jiwa',
  ],
  desil_nasional: ['Desil Nasional', 'Desil', 'Peringkat Desil', 'Desil Kesejahteraan', 'DTSEN Desil'],
};

export const MEMBER_COLUMNS = [
  'no_kk',
  'nik',
  'nama',
  'tanggal_lahir',
  'jenis_kelamin',
  'hubungan_keluarga',
] as const;
export type MemberColumn = (typeof MEMBER_COLUMNS)[number];

export const MEMBER_COLUMN_LABELS: Readonly<Record<MemberColumn, string>> = {
  no_kk: 'No KK',
  nik: 'NIK',
  nama: 'Nama',
  tanggal_lahir: 'Tanggal Lahir',
  jenis_kelamin: 'Jenis Kelamin',
  hubungan_keluarga: 'Hubungan Keluarga',
};

/** Header spellings of each members column, as seen in extracts (the first is the usual one). */
export const MEMBER_ALIASES: Readonly<Record<MemberColumn, readonly string[]>> = {
  no_kk: NO_KK,
  nik: ['NIK', 'No NIK', 'No. NIK', 'Nomor NIK', 'Nomor Induk Kependudukan', 'NIK ART'],
  nama: ['Nama', 'Nama Lengkap', 'Nama Anggota', 'Nama ART', 'Nama Anggota Keluarga'],
  tanggal_lahir: ['Tanggal Lahir', 'Tgl Lahir', 'Tgl. Lahir', 'TGL_LAHIR', 'Tanggal Lahir (dd-mm-yyyy)'],
  jenis_kelamin: ['Jenis Kelamin', 'JK', 'L/P', 'Kelamin', 'Sex'],
  hubungan_keluarga: [
    'Hubungan Keluarga',
    'Hubungan',
    'Hubungan dengan Kepala Keluarga',
    'Hub. Keluarga',
    'Hub KK',
    'SHDK',
    'Status Hubungan Dalam Keluarga',
    'Hubungan dengan KRT',
  ],
};

/**
 * A row is the families file's header when it names No KK, the desil and a place; names are
 * required because codes alone are not trusted (`place.ts`).
 */
export const FAMILY_LAYOUT = {
  header: headerReader<FamilyColumn>({
    aliases: FAMILY_ALIASES,
    required: ['no_kk', 'kecamatan', 'desa', 'desil_nasional'],
    isHeader: (found) => found.has('no_kk') && found.size >= 3,
    ignored: RUNNING_NUMBER,
  }),
  labels: FAMILY_COLUMN_LABELS,
  missingAdvice:
    'Ekstrak keluarga DTSEN harus memuat kolom tersebut (dengan nama wilayah, bukan kode saja); unggah ulang.',
  headerHint:
    'Pastikan ada baris berisi judul kolom seperti No KK, Kecamatan, Desa/Kelurahan, Nama Kepala Keluarga, Desil Nasional.',
} as const;

/** A row is the members file's header when it names No KK, NIK and one more member column. */
export const MEMBER_LAYOUT = {
  header: headerReader<MemberColumn>({
    aliases: MEMBER_ALIASES,
    required: ['no_kk', 'nik', 'nama', 'tanggal_lahir', 'hubungan_keluarga'],
    isHeader: (found) => found.has('no_kk') && found.has('nik') && found.size >= 3,
    ignored: RUNNING_NUMBER,
  }),
  labels: MEMBER_COLUMN_LABELS,
  missingAdvice: 'Ekstrak anggota keluarga DTSEN harus memuat kolom tersebut; unggah ulang.',
  headerHint:
    'Pastikan ada baris berisi judul kolom seperti No KK, NIK, Nama, Tanggal Lahir, Jenis Kelamin, Hubungan Keluarga.',
} as const;
