/**
 * The verval sheet of one desa (issue #14, families.md "Files users exchange"): the families a
 * relawan visits, what they need to recognise each family and its adult members, and the empty
 * columns they fill — whose headers are the ones the verval result import reads back
 * ({@link VERVAL_RESULT_LAYOUT}), so the filled sheet itself is the result file. Pure: what the
 * sheet says, not how a workbook is written (`shared/adapters/verval-sheet-xlsx.ts`).
 *
 * One row per family, because the result import reads one row per No KK. The adult members go in
 * one text cell, one line each, `NIK — Nama (Hubungan, tahun lahir)`: a row per member would repeat
 * the No KK and make the result ambiguous, and a column per member would make the sheet as wide as
 * the largest family. The NIK leads each line so the relawan can copy it into `nik_penerima`; the
 * birth year (not the date) is enough to tell two members apart in the field. Children (under
 * {@link ADULT_AGE} and not married) are left out: they cannot be penerima, and listing them would
 * only spread their data.
 */
import type { StoredFamily, StoredMember } from '../../model.ts';
import { RUNNING_NUMBER } from '../columns.ts';
import { headerReader } from '../header.ts';
import { MONTHS } from '../period.ts';
import { compactKey, foldSpaces } from '../text.ts';
import { desaName, kecamatanName, kecamatanOfDesa, regionName, regionOfPlace } from '../wilayah.ts';
import { RELATIONSHIP_LABEL, type Relationship } from './hubungan.ts';
import { ADULT_AGE, isAdult, memberOn, VERVAL_RESULT_LABEL, VERVAL_RESULTS } from './verval.ts';

// ─── The verval result file: the columns the import reads ───────────────────────────────────────

export const VERVAL_RESULT_COLUMNS = [
  'no_kk',
  'hasil',
  'keterangan',
  'tanggal',
  'relawan',
  'nomor_berita_acara',
  'nik_penerima',
  'tempat_lahir_penerima',
  'nama_ibu_kandung_penerima',
] as const;
export type VervalResultColumn = (typeof VERVAL_RESULT_COLUMNS)[number];

/** The header each column has on the sheet the system writes (the first alias of each). */
export const VERVAL_RESULT_COLUMN_LABELS: Readonly<Record<VervalResultColumn, string>> = {
  no_kk: 'No KK',
  hasil: 'Hasil Verval',
  keterangan: 'Keterangan',
  tanggal: 'Tanggal Verval',
  relawan: 'Nama Relawan',
  nomor_berita_acara: 'Nomor Berita Acara',
  nik_penerima: 'NIK Penerima',
  tempat_lahir_penerima: 'Tempat Lahir Penerima',
  nama_ibu_kandung_penerima: 'Nama Ibu Kandung Penerima',
};

/**
 * Header spellings of each result column: the sheet's own headers, the snake_case names of
 * families.md, and what offices write on a sheet they compiled themselves.
 */
export const VERVAL_RESULT_ALIASES: Readonly<Record<VervalResultColumn, readonly string[]>> = {
  no_kk: ['No KK', 'No. KK', 'Nomor KK', 'Nomor Kartu Keluarga', 'No Kartu Keluarga', 'NOKK', 'no_kk'],
  hasil: ['Hasil Verval', 'Hasil', 'Hasil Verifikasi', 'Hasil Verifikasi dan Validasi', 'Status Verval'],
  keterangan: ['Keterangan', 'Ket', 'Ket.', 'Catatan'],
  tanggal: ['Tanggal Verval', 'Tanggal', 'Tgl', 'Tgl Verval', 'Tanggal Kunjungan', 'Tanggal Verifikasi'],
  relawan: ['Nama Relawan', 'Relawan', 'Petugas', 'Nama Petugas', 'Petugas Verval', 'Verifikator'],
  nomor_berita_acara: [
    'Nomor Berita Acara',
    'No Berita Acara',
    'No. BA',
    'No BA',
    'Nomor BA',
    'Berita Acara',
    'Nomor BA Musdes',
    'No BA Musdes',
    'nomor_berita_acara',
  ],
  nik_penerima: ['NIK Penerima', 'NIK Penerima Baru', 'NIK Pengganti', 'nik_penerima'],
  tempat_lahir_penerima: ['Tempat Lahir Penerima', 'Tempat Lahir', 'Tmp Lahir', 'tempat_lahir_penerima'],
  nama_ibu_kandung_penerima: [
    'Nama Ibu Kandung Penerima',
    'Nama Ibu Kandung',
    'Ibu Kandung',
    'Nama Gadis Ibu Kandung',
    'nama_ibu_kandung_penerima',
  ],
};

/**
 * A row is the result file's header when it names No KK and the result. The sheet's other headers
 * (Nama Kepala Keluarga, Alamat, Anggota Dewasa …) name no result column and are not read back.
 */
export const VERVAL_RESULT_LAYOUT = {
  header: headerReader<VervalResultColumn>({
    aliases: VERVAL_RESULT_ALIASES,
    required: ['no_kk', 'hasil', 'tanggal', 'relawan', 'nomor_berita_acara'],
    isHeader: (found) => found.has('no_kk') && found.has('hasil'),
    ignored: RUNNING_NUMBER,
  }),
  labels: VERVAL_RESULT_COLUMN_LABELS,
  missingAdvice:
    'Gunakan lembar verval yang diunduh dari sistem, atau tambahkan kolom tersebut lalu unggah ulang.',
  headerHint:
    'Pastikan ada baris berisi judul kolom seperti No KK, Hasil Verval, Tanggal Verval, Nama Relawan, Nomor Berita Acara.',
} as const;

// ─── The sheet ──────────────────────────────────────────────────────────────────────────────────

/**
 * What a column holds, for the writer: `id` a 16-digit number kept as text, `count` a small
 * number, `lines` several lines of text, `result` the list of {@link VERVAL_RESULTS}, `date` a date
 * the relawan types (as text: see the writer); `fill` says the relawan fills it.
 */
export type SheetColumnKind = 'number' | 'id' | 'text' | 'count' | 'lines' | 'result' | 'date';

export interface SheetColumn {
  readonly key: SheetColumnKey;
  readonly header: string;
  readonly kind: SheetColumnKind;
  readonly fill: boolean;
  /** Width in Excel characters. */
  readonly width: number;
}

/** The format a relawan writes `tanggal` in (a hint on the sheet; the import reads other forms too). */
export const VERVAL_DATE_HINT = 'dd-mm-yyyy';

export const VERVAL_SHEET_COLUMNS = [
  { key: 'no', header: 'No', kind: 'number', fill: false, width: 6 },
  { key: 'no_kk', header: VERVAL_RESULT_COLUMN_LABELS.no_kk, kind: 'id', fill: false, width: 20 },
  { key: 'nama_kepala_keluarga', header: 'Nama Kepala Keluarga', kind: 'text', fill: false, width: 28 },
  { key: 'alamat', header: 'Alamat', kind: 'text', fill: false, width: 32 },
  { key: 'jumlah_anggota', header: 'Jumlah Anggota', kind: 'count', fill: false, width: 10 },
  { key: 'anggota_dewasa', header: 'Anggota Dewasa (NIK — Nama)', kind: 'lines', fill: false, width: 58 },
  { key: 'hasil', header: VERVAL_RESULT_COLUMN_LABELS.hasil, kind: 'result', fill: true, width: 18 },
  { key: 'keterangan', header: VERVAL_RESULT_COLUMN_LABELS.keterangan, kind: 'text', fill: true, width: 30 },
  // The note in brackets is a hint for the relawan; the import ignores it when matching headers.
  {
    key: 'tanggal',
    header: `${VERVAL_RESULT_COLUMN_LABELS.tanggal} (${VERVAL_DATE_HINT})`,
    kind: 'date',
    fill: true,
    width: 16,
  },
  { key: 'relawan', header: VERVAL_RESULT_COLUMN_LABELS.relawan, kind: 'text', fill: true, width: 22 },
  {
    key: 'nomor_berita_acara',
    header: VERVAL_RESULT_COLUMN_LABELS.nomor_berita_acara,
    kind: 'text',
    fill: true,
    width: 22,
  },
  {
    key: 'nik_penerima',
    header: `${VERVAL_RESULT_COLUMN_LABELS.nik_penerima} (bila bukan kepala keluarga)`,
    kind: 'id',
    fill: true,
    width: 22,
  },
  {
    key: 'tempat_lahir_penerima',
    header: VERVAL_RESULT_COLUMN_LABELS.tempat_lahir_penerima,
    kind: 'text',
    fill: true,
    width: 20,
  },
  {
    key: 'nama_ibu_kandung_penerima',
    header: VERVAL_RESULT_COLUMN_LABELS.nama_ibu_kandung_penerima,
    kind: 'text',
    fill: true,
    width: 26,
  },
] as const satisfies readonly {
  key: string;
  header: string;
  kind: SheetColumnKind;
  fill: boolean;
  width: number;
}[];
export type SheetColumnKey = (typeof VERVAL_SHEET_COLUMNS)[number]['key'];

/** One family's row: the values of the columns the system fills (the others are empty). */
export interface VervalSheetRow {
  readonly no: number;
  readonly noKk: string;
  readonly namaKepalaKeluarga: string;
  readonly alamat: string;
  readonly jumlahAnggota: number | undefined;
  /** One line per adult member: `NIK — Nama (Hubungan, tahun lahir)`. */
  readonly anggotaDewasa: readonly string[];
}

export interface VervalSheet {
  /** Lines above the header: kabupaten, kecamatan, desa, tahap, when, and how to fill. */
  readonly titleRows: readonly string[];
  readonly columns: readonly SheetColumn[];
  readonly rows: readonly VervalSheetRow[];
  /** The "Petunjuk" sheet: the result codes and the rules. */
  readonly guide: VervalGuide;
}

export interface VervalGuide {
  readonly title: string;
  readonly results: readonly { readonly code: string; readonly meaning: string; readonly rule: string }[];
  readonly rules: readonly string[];
}

export interface VervalSheetInput {
  /** Kemendagri desa code, `62.03.05.2001`. */
  readonly desaCode: string;
  /** `Tahap 1 Tahun 2027`. */
  readonly tahapLabel: string;
  readonly families: Iterable<{ readonly family: StoredFamily; readonly members: readonly StoredMember[] }>;
  readonly generatedAt: Date;
  /** The day ages are counted on (`YYYY-MM-DD`); the day the sheet is made (WIB) by default. */
  readonly asOf?: string;
}

/**
 * The sheet of one desa. Families are ordered as a relawan walks the village: by RT (the number
 * after "RT" in the address; an address without one comes after every RT), then by address, then
 * by the head's name, then by No KK so the order is total and stable. The families of one desa are
 * held here at once (a few thousand short rows) because sorting needs them all; only the strings
 * the sheet shows are kept, not the members.
 */
export function vervalSheet(input: VervalSheetInput): VervalSheet {
  const at = wibParts(input.generatedAt);
  const asOf = input.asOf ?? at.date;
  const rows: (Omit<VervalSheetRow, 'no'> & { readonly order: SortKey })[] = [];
  for (const { family, members } of input.families) {
    const alamat = foldSpaces(family.alamat ?? '');
    const head = members.find((member) => member.hubungan === 'KEPALA_KELUARGA');
    const namaKepalaKeluarga = foldSpaces(family.namaKepalaKeluarga ?? head?.nama ?? '');
    rows.push({
      noKk: family.noKk,
      namaKepalaKeluarga,
      alamat,
      jumlahAnggota: members.length > 0 ? members.length : family.jumlahAnggota,
      anggotaDewasa: adultLines(members, asOf),
      order: { rt: rtOf(alamat), alamat: compactKey(alamat), nama: compactKey(namaKepalaKeluarga) },
    });
  }
  rows.sort((a, b) => compareOrder(a.order, b.order) || compareText(a.noKk, b.noKk));
  return {
    titleRows: titleRows(input, at),
    columns: VERVAL_SHEET_COLUMNS,
    rows: rows.map(({ order: _order, ...row }, index) => ({ no: index + 1, ...row })),
    guide: VERVAL_GUIDE,
  };
}

/** The value a column shows in a row (empty for the columns the relawan fills). */
export function cellValue(row: VervalSheetRow, key: SheetColumnKey): string | number | undefined {
  switch (key) {
    case 'no':
      return row.no;
    case 'no_kk':
      return row.noKk;
    case 'nama_kepala_keluarga':
      return row.namaKepalaKeluarga;
    case 'alamat':
      return row.alamat;
    case 'jumlah_anggota':
      return row.jumlahAnggota;
    case 'anggota_dewasa':
      return row.anggotaDewasa.join('\n');
    default:
      return undefined;
  }
}

// ─── Adults ─────────────────────────────────────────────────────────────────────────────────────

/** The order members are listed in: the head, the spouse, then as the Kartu Keluarga lists them. */
const LIST_ORDER: Readonly<Record<Relationship, number>> = {
  KEPALA_KELUARGA: 0,
  SUAMI: 1,
  ISTRI: 1,
  ANAK: 2,
  MENANTU: 3,
  CUCU: 4,
  ORANG_TUA: 5,
  MERTUA: 6,
  FAMILI_LAIN: 7,
  PEMBANTU: 8,
  LAINNYA: 9,
};

/**
 * The adult members (`isAdult`: at least {@link ADULT_AGE} on `asOf`, or married — which the
 * extract does not record, so a spouse or a menantu counts as married), one line each. The head is
 * always listed: they are the penerima unless the relawan names another. A member whose age cannot
 * be read is listed only by relationship. A married child under 17 cannot be told from an unmarried
 * one and is left out; the relawan may still write their NIK, and the result import decides.
 */
export function adultLines(members: readonly StoredMember[], asOf: string): string[] {
  return members
    .filter((member) => isAdult(memberOn(member, asOf)))
    .sort(
      (a, b) =>
        LIST_ORDER[a.hubungan] - LIST_ORDER[b.hubungan] ||
        compareText(a.tanggalLahir, b.tanggalLahir) ||
        compareText(a.nik, b.nik),
    )
    .map((member) => {
      const year = /^\d{4}/.exec(member.tanggalLahir)?.[0];
      const about = [RELATIONSHIP_LABEL[member.hubungan], year].filter(Boolean).join(', ');
      return `${member.nik} — ${foldSpaces(member.nama)} (${about})`;
    });
}

/** Whole years from `birth` to `on`: one definition, in `verval.ts`. */
export { ageOn } from './verval.ts';

// ─── Order ──────────────────────────────────────────────────────────────────────────────────────

interface SortKey {
  readonly rt: number | undefined;
  readonly alamat: string;
  readonly nama: string;
}

/** `Jl. Melati RT 003 RW 001`, `RT.3/RW.1`, `rt 03` → 3. */
export function rtOf(alamat: string): number | undefined {
  const match = /\bRT\s*\.?\s*0*(\d{1,3})\b/i.exec(alamat);
  return match ? Number(match[1]) : undefined;
}

function compareOrder(a: SortKey, b: SortKey): number {
  if (a.rt !== b.rt) {
    if (a.rt === undefined) return 1;
    if (b.rt === undefined) return -1;
    return a.rt - b.rt;
  }
  return compareText(a.alamat, b.alamat) || compareText(a.nama, b.nama);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ─── Title and guide ────────────────────────────────────────────────────────────────────────────

interface WibParts {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** `6 Desember 2026 pukul 17.45 WIB`. */
  readonly shown: string;
}

/** The time in Palangka Raya (WIB, UTC+7, no daylight saving), whatever the server's zone. */
export function wibParts(at: Date): WibParts {
  const local = new Date(at.getTime() + 7 * 3_600_000);
  const pad = (value: number) => String(value).padStart(2, '0');
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  return {
    date: `${year}-${pad(month)}-${pad(day)}`,
    shown: `${day} ${MONTHS[month - 1]} ${year} pukul ${pad(local.getUTCHours())}.${pad(local.getUTCMinutes())} WIB`,
  };
}

function titleRows(input: VervalSheetInput, at: WibParts): string[] {
  const kecamatanCode = kecamatanOfDesa(input.desaCode);
  const region = regionName(regionOfPlace(input.desaCode)) ?? regionOfPlace(input.desaCode);
  return [
    'LEMBAR VERIFIKASI DAN VALIDASI (VERVAL) KELUARGA PENERIMA MANFAAT KHBS',
    `Kabupaten/Kota: ${region}`,
    `Kecamatan: ${kecamatanName(kecamatanCode) ?? kecamatanCode}`,
    `Desa/Kelurahan: ${desaName(input.desaCode) ?? input.desaCode} (kode ${input.desaCode})`,
    `Tahap: ${input.tahapLabel}`,
    `Dibuat: ${at.shown}`,
    `Petunjuk: kunjungi setiap keluarga, lalu isi kolom ${fillHeaders()}. Pilih Hasil Verval dari daftar; tulis tanggal sebagai ${VERVAL_DATE_HINT}. Jangan mengubah, menghapus atau menambah kolom dan baris No KK. Lihat lembar "Petunjuk" untuk arti setiap hasil.`,
  ];
}

const fillHeaders = () =>
  VERVAL_SHEET_COLUMNS.filter((column) => column.fill)
    .map((column) => column.header)
    .join(', ');

const RESULT_RULE: Readonly<Record<(typeof VERVAL_RESULTS)[number], string>> = {
  LAYAK:
    'Keluarga tetap menerima. Penerima adalah kepala keluarga, kecuali NIK Penerima diisi dengan NIK anggota dewasa lain dari kolom Anggota Dewasa.',
  MAMPU: 'Keluarga sudah mampu; tidak menerima pada tahap ini. Jelaskan di Keterangan.',
  MENINGGAL:
    'Kepala keluarga meninggal; keluarga tetap menerima. NIK Penerima WAJIB diisi dengan NIK anggota keluarga dewasa lain (bukan kepala keluarga).',
  PINDAH:
    'Keluarga pindah dari desa ini; tidak menerima pada tahap ini. Tulis tujuan pindah di Keterangan bila diketahui.',
  TIDAK_DITEMUKAN:
    'Keluarga tidak ditemukan di alamat dan tidak dikenal warga; tidak menerima pada tahap ini.',
  GANDA: 'Keluarga terdaftar lebih dari sekali; tulis No KK lainnya di Keterangan.',
  MENOLAK: 'Keluarga menolak bantuan; tidak menerima pada tahap ini.',
};

export const VERVAL_GUIDE: VervalGuide = {
  title: 'PETUNJUK PENGISIAN LEMBAR VERVAL',
  results: VERVAL_RESULTS.map((code) => ({
    code,
    meaning: VERVAL_RESULT_LABEL[code],
    rule: RESULT_RULE[code],
  })),
  rules: [
    'Isi satu baris untuk setiap keluarga yang dikunjungi. Jangan mengubah No KK, dan jangan menghapus atau menyisipkan baris atau kolom.',
    'Hasil Verval wajib diisi dengan salah satu kode di atas (pilih dari daftar pada sel).',
    `Tanggal Verval ditulis sebagai ${VERVAL_DATE_HINT}, mis. 15-01-2027.`,
    'Nama Relawan dan Nomor Berita Acara (Musyawarah Desa/Kelurahan) wajib diisi.',
    `NIK Penerima hanya diisi bila penerima bukan kepala keluarga. Salin NIK dari kolom Anggota Dewasa: penerima harus anggota KK ini, berusia minimal ${ADULT_AGE} tahun atau sudah menikah.`,
    'Bila hasil MENINGGAL, NIK Penerima wajib diisi dengan NIK anggota dewasa lain. Bila seluruh keluarga sudah tidak ada, pilih PINDAH atau TIDAK_DITEMUKAN.',
    'Tempat Lahir Penerima dan Nama Ibu Kandung Penerima diperlukan Bank Kalteng untuk membuka rekening: isi untuk setiap keluarga dengan hasil LAYAK atau MENINGGAL, sesuai KTP/KK penerima.',
    'Tulis NIK sebagai 16 angka. Kolom NIK dan No KK sudah berformat teks agar Excel tidak mengubah angkanya.',
    'Lembar ini memuat data pribadi: simpan dengan aman dan jangan dibagikan di luar tugas verval.',
  ],
};
