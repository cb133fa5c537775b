/**
 * Food (PANGAN) through Perum BULOG (issue #15, families.md "Files users exchange"): the
 * distribution list the province sends BULOG per desa (the titik bagi, where BULOG hands the
 * packages over), BULOG's handover records (BAST, berita acara serah terima) that come back per
 * family, what each BAST line does to the family's PANGAN entitlement, and the reconciliation per
 * titik bagi that is the basis of BULOG's invoice.
 *
 * BULOG is paid for packages **delivered**, not for packages entitled: a package counts once its
 * entitlement is DITERIMA through a BAST line whose receiver the KK or a power of attorney bears
 * out. Not received, not reported yet, and lines with a finding (not in the decree, a second
 * handover, a receiver who is neither in the KK nor a proxy …) are not invoiced; a re-delivery after
 * a failed attempt is one package.
 *
 * Streaming: a BAST import reads a line ({@link validateBastLine}), looks up the family's facts
 * (its entitlement, members and the keys of the lines already recorded) and judges it
 * ({@link judgeBastLine}); it keeps nothing but that small per-family state. The reconciliation
 * ({@link FoodReconciliation}) folds entitlements one at a time and keeps one tally per desa.
 *
 * Pure: no AWS, no I/O. Messages for people in Bahasa Indonesia; no message or finding carries a
 * full NIK, No KK or name (NIKs masked with `maskNik`).
 */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.ts';
import { RUNNING_NUMBER } from '../columns.ts';
import { parseDayDate } from '../dates.ts';
import { formatRupiah } from '../decree.ts';
import { headerReader } from '../header.ts';
import { maskNik } from '../mask.ts';
import { parseNik } from '../nik.ts';
import { nameProblem } from '../recipient-row.ts';
import type { RowProblem } from '../report.ts';
import { compactKey, foldSpaces, words } from '../text.ts';
import { regionOfPlace } from '../wilayah.ts';
import { type CardStatus, type EntitlementStatus, entitlementMayMove, isCardActive } from './distribution.ts';
import { type Checked, parseNoKk } from './dtsen-rows.ts';
import type { Relationship } from './hubungan.ts';
import type { Component } from './tahap.ts';
import { ADULT_AGE, isAdult, memberOn } from './verval.ts';

// --- The package (configuration, not code) -------------------------------------------------------

export const FOOD_UNITS = ['kg', 'g', 'L', 'ml', 'pcs', 'bungkus', 'kaleng'] as const;

/**
 * What one family's package holds and what BULOG invoices per package delivered, set per tahap by
 * the province (e.g. 5 kg beras premium, 1 L minyak goreng, 1 kg gula pasir at Rp150.000): the
 * public reports disagree on contents and price, so they are configuration, never code.
 */
export const FoodPackageSchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    items: z
      .array(
        z.strictObject({
          name: z.string().trim().min(2).max(60),
          quantity: z.number().positive().max(1_000),
          unit: z.enum(FOOD_UNITS),
        }),
      )
      .min(1, 'Paket pangan harus memuat minimal satu barang.')
      .max(12),
    /** Whole Rupiah BULOG invoices per package delivered. */
    price: z.number().int().min(1_000).max(10_000_000),
  }),
);
export type FoodPackage = z.infer<typeof FoodPackageSchema>;

/** `5 kg beras premium, 1 L minyak goreng, 0,5 kg gula pasir` (Indonesian decimal comma). */
export const packageLabel = (pkg: FoodPackage): string =>
  pkg.items.map((item) => `${String(item.quantity).replace('.', ',')} ${item.unit} ${item.name}`).join(', ');

// --- The distribution list (system → BULOG, one per desa) ----------------------------------------

export const DISTRIBUTION_COLUMNS = [
  'no',
  'referensi',
  'no_kartu',
  'no_kk',
  'nama_kpm',
  'nik_kpm',
  'paket',
  'jumlah',
  'nomor_sk',
  'kabupaten',
  'kecamatan',
  'desa',
  'keterangan',
] as const;
export type DistributionColumn = (typeof DISTRIBUTION_COLUMNS)[number];

/**
 * The headers of the list. `Referensi` and `No KK` are headers the BAST import reads too, so BULOG
 * may fill its handover columns into the list itself and send it back. The penerima's NIK is masked
 * and its header (`NIK KPM Tersamar`) is deliberately no BAST alias: a masked NIK is not the
 * receiver's NIK and must not be read back as one.
 */
export const DISTRIBUTION_COLUMN_LABELS: Readonly<Record<DistributionColumn, string>> = {
  no: 'No',
  referensi: 'Referensi',
  no_kartu: 'No Kartu KHBS',
  no_kk: 'No KK',
  nama_kpm: 'Nama KPM',
  nik_kpm: 'NIK KPM Tersamar',
  paket: 'Paket',
  jumlah: 'Nilai (Rp)',
  nomor_sk: 'Nomor SK',
  kabupaten: 'Kabupaten/Kota',
  kecamatan: 'Kecamatan',
  desa: 'Desa/Kelurahan (Titik Bagi)',
  keterangan: 'Petunjuk Petugas',
};

/** One line of a desa's distribution list, as BULOG's officer reads it at the titik bagi. */
export interface DistributionRow {
  readonly no: number;
  /** The PANGAN entitlement's reference (`KHBS-2026-1-P-…`): names no person, quoted back on the BAST. */
  readonly referensi: string;
  /** The family's active card, `HB-6203-0000123-4`; empty when it has none (see `keterangan`). */
  readonly noKartu: string;
  /** In full: the key BULOG writes back on every BAST line. */
  readonly noKk: string;
  readonly namaKpm: string;
  /** Masked, `620301******0001`: see {@link distributionRow}. */
  readonly nikKpm: string;
  readonly paket: string;
  readonly jumlah: number;
  readonly nomorSk: string;
  readonly kabupaten: string;
  readonly kecamatan: string;
  readonly desa: string;
  readonly keterangan: string;
}

export interface DistributionInput {
  /** The running number in the desa's list (1-based). */
  readonly no: number;
  readonly entitlement: {
    readonly ref: string;
    readonly component: Component;
    readonly amount: number;
    readonly status: EntitlementStatus;
  };
  /** The family's current card; undefined when none was issued. */
  readonly card?: { readonly number: string; readonly status: CardStatus } | undefined;
  readonly family: { readonly noKk: string; readonly penerimaNik: string; readonly penerimaNama: string };
  readonly place: { readonly kabupaten: string; readonly kecamatan: string; readonly desa: string };
  readonly nomorSk: string;
  readonly pkg: FoodPackage;
}

export type DistributionRowResult =
  | { readonly ok: true; readonly row: DistributionRow }
  | {
      readonly ok: false;
      readonly code: 'BUKAN_PANGAN' | 'SUDAH_DITERIMA' | 'GAGAL_BELUM_DIULANG';
      readonly message: string;
    };

/**
 * A line of the distribution list from the family's PANGAN entitlement, card and penerima.
 *
 * Listed: entitlements DITETAPKAN (the first list; the export then moves them to DIKIRIM), DIKIRIM
 * (the same list made again) and DIULANG (a re-delivery). A DITERIMA one is not listed again, and a
 * GAGAL one only once the province puts it on a follow-up (DIULANG).
 *
 * The penerima's **NIK is masked** (`620301******0001`), the **No KK is in full**. BULOG's officer
 * checks the KTP at the handover: that is a comparison, not a look-up — the card (its full number is
 * on the list), the name, and the region, kecamatan and last four digits of the NIK against the KTP
 * shown leave no room for a wrong person, and the BAST records the full NIK read off the KTP
 * actually shown (the receiver's, who may be a member or a proxy). The list itself is printed,
 * carried by transporters and village officials and pinned up at the titik bagi: a list with full
 * NIKs *and* No KKs is exactly what SIM-card registration fraud and online-loan fraud need (both ask
 * for NIK + No KK). The No KK is the BAST's key and stays whole; without the NIK it is of little use.
 *
 * A card that is not active (blocked or replaced) is not printed: whoever holds it must not be able
 * to match it against the list; `keterangan` tells the officer to hand over on KTP and KK.
 */
export function distributionRow(input: DistributionInput): DistributionRowResult {
  const { entitlement, card, family, place, pkg } = input;
  if (entitlement.component !== 'PANGAN') {
    return {
      ok: false,
      code: 'BUKAN_PANGAN',
      message: 'Hak ini bukan komponen pangan; daftar penyaluran BULOG hanya memuat hak pangan.',
    };
  }
  if (entitlement.status === 'DITERIMA') {
    return {
      ok: false,
      code: 'SUDAH_DITERIMA',
      message: 'Paket pangan keluarga ini sudah tercatat diterima; tidak dicantumkan lagi.',
    };
  }
  if (entitlement.status === 'GAGAL') {
    return {
      ok: false,
      code: 'GAGAL_BELUM_DIULANG',
      message:
        'Penyerahan sebelumnya tercatat gagal; keluarga dicantumkan lagi setelah ditetapkan untuk penyaluran ulang.',
    };
  }
  const active = card !== undefined && isCardActive(card.status);
  const notes: string[] = [];
  if (entitlement.status === 'DIULANG') notes.push('Penyaluran ulang.');
  if (!active) {
    notes.push(
      card === undefined
        ? 'Kartu belum diterbitkan: serahkan berdasarkan KTP dan KK.'
        : 'Kartu tidak aktif (diblokir/diganti): jangan terima kartu lama; serahkan berdasarkan KTP dan KK.',
    );
  }
  return {
    ok: true,
    row: {
      no: input.no,
      referensi: entitlement.ref,
      noKartu: active ? card.number : '',
      noKk: family.noKk,
      namaKpm: family.penerimaNama,
      nikKpm: maskNik(family.penerimaNik),
      paket: packageLabel(pkg),
      jumlah: entitlement.amount,
      nomorSk: input.nomorSk,
      kabupaten: place.kabupaten,
      kecamatan: place.kecamatan,
      desa: place.desa,
      keterangan: notes.join(' '),
    },
  };
}

/** The row's cells in {@link DISTRIBUTION_COLUMNS} order, for the file writer. */
export const distributionCells = (row: DistributionRow): (string | number)[] => [
  row.no,
  row.referensi,
  row.noKartu,
  row.noKk,
  row.namaKpm,
  row.nikKpm,
  row.paket,
  row.jumlah,
  row.nomorSk,
  row.kabupaten,
  row.kecamatan,
  row.desa,
  row.keterangan,
];

// --- The BAST file (BULOG → system) --------------------------------------------------------------

export const BAST_COLUMNS = [
  'no_kk',
  'nik_penerima',
  'nama_penerima',
  'hubungan',
  'tanggal',
  'status',
  'alasan',
  'nomor_surat_kuasa',
  'foto',
  'latitude',
  'longitude',
  'referensi',
] as const;
export type BastColumn = (typeof BAST_COLUMNS)[number];
export type BastProblem = RowProblem<BastColumn>;

export const BAST_COLUMN_LABELS: Readonly<Record<BastColumn, string>> = {
  no_kk: 'No KK',
  nik_penerima: 'NIK Penerima',
  nama_penerima: 'Nama Penerima',
  hubungan: 'Hubungan',
  tanggal: 'Tanggal Serah Terima',
  status: 'Status',
  alasan: 'Alasan',
  nomor_surat_kuasa: 'Nomor Surat Kuasa',
  foto: 'Foto',
  latitude: 'Latitude',
  longitude: 'Longitude',
  referensi: 'Referensi',
};

/** Header spellings of each BAST column: families.md's names and what BULOG's offices write. */
export const BAST_ALIASES: Readonly<Record<BastColumn, readonly string[]>> = {
  no_kk: [
    'No KK',
    'no_kk',
    'No. KK',
    'Nomor KK',
    'Nomor Kartu Keluarga',
    'No Kartu Keluarga',
    'NOKK',
    'No KK KPM',
  ],
  nik_penerima: [
    'NIK Penerima',
    'nik_penerima',
    'NIK Yang Menerima',
    'NIK Penerima Barang',
    'NIK',
    'No KTP',
    'No. KTP Penerima',
    'NIK KTP',
  ],
  nama_penerima: [
    'Nama Penerima',
    'nama_penerima',
    'Nama Yang Menerima',
    'Diterima Oleh',
    'Nama Penerima Barang',
    'Nama',
  ],
  hubungan: [
    'Hubungan',
    'Hubungan Penerima',
    'Hubungan dengan KPM',
    'Status Penerima',
    'Penerima Adalah',
    'Jenis Penerima',
    'Kategori Penerima',
  ],
  tanggal: [
    'Tanggal Serah Terima',
    'Tanggal',
    'Tgl',
    'Tgl Serah Terima',
    'Tanggal Penyaluran',
    'Tanggal Terima',
    'Tgl Salur',
    'Tanggal BAST',
  ],
  status: [
    'Status',
    'Status Penyaluran',
    'Status Serah Terima',
    'Status Terima',
    'Diterima/Tidak',
    'Keterangan Penyaluran',
  ],
  alasan: ['Alasan', 'Alasan Tidak Diterima', 'Alasan Gagal', 'Keterangan', 'Ket', 'Catatan'],
  nomor_surat_kuasa: [
    'Nomor Surat Kuasa',
    'nomor_surat_kuasa',
    'No Surat Kuasa',
    'No. Surat Kuasa',
    'Surat Kuasa',
    'No Kuasa',
    'Nomor Kuasa',
  ],
  foto: [
    'Foto',
    'Foto Bukti',
    'Bukti Foto',
    'Referensi Foto',
    'Nama File Foto',
    'File Foto',
    'Foto Serah Terima',
    'URL Foto',
    'Dokumentasi',
  ],
  latitude: ['Latitude', 'Lat', 'Lintang', 'Koordinat Lintang', 'Garis Lintang'],
  longitude: ['Longitude', 'Long', 'Lng', 'Lon', 'Bujur', 'Koordinat Bujur', 'Garis Bujur'],
  referensi: ['Referensi', 'referensi', 'Ref', 'No Referensi', 'Referensi Hak', 'Kode Referensi'],
};

/** A row is the BAST's header when it names No KK and the status; a title row names neither. */
export const BAST_LAYOUT = {
  header: headerReader<BastColumn>({
    aliases: BAST_ALIASES,
    required: ['no_kk', 'nik_penerima', 'nama_penerima', 'hubungan', 'tanggal', 'status'],
    isHeader: (found) => found.has('no_kk') && found.has('status') && found.size >= 3,
    ignored: RUNNING_NUMBER,
  }),
  labels: BAST_COLUMN_LABELS,
  missingAdvice: 'Minta BAST dari Perum BULOG yang memuat kolom tersebut, lalu unggah ulang.',
  headerHint:
    'Pastikan ada baris berisi judul kolom seperti No KK, NIK Penerima, Nama Penerima, Hubungan, Tanggal Serah Terima, Status, Alasan.',
} as const;

// --- BAST cells ----------------------------------------------------------------------------------

export const BAST_STATUSES = ['DITERIMA', 'TIDAK_DITERIMA'] as const;
export type BastStatus = (typeof BAST_STATUSES)[number];

/** Who took the package: the penerima (KPM) themself, a member of the KK, or a proxy. */
export const BAST_RECEIVERS = ['KPM', 'ANGGOTA_KELUARGA', 'KUASA'] as const;
export type BastReceiver = (typeof BAST_RECEIVERS)[number];

export const BAST_RECEIVER_LABEL: Readonly<Record<BastReceiver, string>> = {
  KPM: 'KPM (penerima)',
  ANGGOTA_KELUARGA: 'anggota keluarga',
  KUASA: 'penerima kuasa',
};

/** Why a package was not handed over: a closed list (the reconciliation counts by it) plus free text. */
export const NOT_RECEIVED_REASONS = [
  'MENINGGAL',
  'PINDAH',
  'TIDAK_DITEMUKAN',
  'MENOLAK',
  'TIDAK_HADIR',
  'DOKUMEN_TIDAK_LENGKAP',
  'LAINNYA',
] as const;
export type NotReceivedReason = (typeof NOT_RECEIVED_REASONS)[number];

export const NOT_RECEIVED_REASON_LABEL: Readonly<Record<NotReceivedReason, string>> = {
  MENINGGAL: 'Meninggal',
  PINDAH: 'Pindah',
  TIDAK_DITEMUKAN: 'Tidak ditemukan',
  MENOLAK: 'Menolak',
  TIDAK_HADIR: 'Tidak hadir',
  DOKUMEN_TIDAK_LENGKAP: 'Tidak membawa KTP/KK/kartu',
  LAINNYA: 'Lainnya',
};

const STATUS_SPELLINGS: Readonly<Record<BastStatus, readonly string[]>> = {
  DITERIMA: [
    'Diterima',
    'Terima',
    'Sudah Diterima',
    'Sudah Terima',
    'Telah Diterima',
    'Tersalur',
    'Tersalurkan',
    'Disalurkan',
    'Sudah Disalurkan',
    'Berhasil',
    'Sukses',
    'Selesai',
    'Ya',
    'Sudah',
  ],
  TIDAK_DITERIMA: [
    'Tidak Diterima',
    'Tidak_Diterima',
    'Tdk Diterima',
    'Tidak Terima',
    'Tdk Terima',
    'Belum Diterima',
    'Belum Terima',
    'Tidak Tersalur',
    'Belum Tersalur',
    'Tidak Disalurkan',
    'Gagal',
    'Gagal Salur',
    'Batal',
    'Tidak',
    'Belum',
  ],
};

const RECEIVER_SPELLINGS: Readonly<Record<BastReceiver, readonly string[]>> = {
  KPM: [
    'KPM',
    'Penerima',
    'KPM/Penerima',
    'Penerima Manfaat',
    'KPM Sendiri',
    'Sendiri',
    'Yang Bersangkutan',
    'YBS',
    'Pemilik Kartu',
    'Pemegang Kartu',
  ],
  ANGGOTA_KELUARGA: [
    'Anggota Keluarga',
    'Anggota_Keluarga',
    'Anggota',
    'Anggota KK',
    'Keluarga',
    'ART',
    'Anggota Rumah Tangga',
    'Satu KK',
    'Istri',
    'Suami',
    'Anak',
    'Orang Tua',
    'Menantu',
    'Cucu',
  ],
  KUASA: [
    'Kuasa',
    'Penerima Kuasa',
    'Dikuasakan',
    'Surat Kuasa',
    'Diwakilkan',
    'Wakil',
    'Perwakilan',
    'Pihak Lain',
  ],
};

const REASON_SPELLINGS: Readonly<Record<NotReceivedReason, readonly string[]>> = {
  MENINGGAL: ['Meninggal', 'Meninggal Dunia', 'Wafat', 'Almarhum', 'KPM Meninggal'],
  PINDAH: ['Pindah', 'Pindah Domisili', 'Pindah Alamat', 'Pindah Tempat', 'Sudah Pindah', 'Keluar Desa'],
  TIDAK_DITEMUKAN: [
    'Tidak Ditemukan',
    'Tdk Ditemukan',
    'Tidak Dikenal',
    'Alamat Tidak Ditemukan',
    'Tidak Diketahui',
  ],
  MENOLAK: ['Menolak', 'Tidak Bersedia', 'Tolak', 'Mengundurkan Diri', 'Tidak Mau'],
  TIDAK_HADIR: [
    'Tidak Hadir',
    'Tdk Hadir',
    'Tidak Datang',
    'Tidak Mengambil',
    'Tidak Diambil',
    'Berhalangan',
    'Absen',
  ],
  DOKUMEN_TIDAK_LENGKAP: [
    'Dokumen Tidak Lengkap',
    'Tidak Membawa KTP',
    'Tidak Bawa KTP',
    'Tanpa KTP',
    'Tidak Membawa Kartu',
    'Tidak Membawa KK',
    'KTP Tidak Sesuai',
  ],
  LAINNYA: ['Lainnya', 'Lain-lain', 'Lain Lain', 'Lain'],
};

/** Spelling key → value, built once at load (a few dozen entries): rows only look up. */
function spellingIndex<T extends string>(spellings: Readonly<Record<T, readonly string[]>>): Map<string, T> {
  const index = new Map<string, T>();
  for (const [value, list] of Object.entries(spellings) as [T, readonly string[]][]) {
    for (const spelling of list) index.set(compactKey(spelling), value);
  }
  return index;
}
const STATUS_BY_KEY = spellingIndex(STATUS_SPELLINGS);
const RECEIVER_BY_KEY = spellingIndex(RECEIVER_SPELLINGS);
const REASON_BY_KEY = spellingIndex(REASON_SPELLINGS);
const LONGEST_REASON_WORDS = 4;

/**
 * A reason cell: one of the closed list, optionally followed by free text (`Tidak hadir - sakit`,
 * `Pindah ke Sampit`), or free text alone, kept as LAINNYA (`known` false: a warning says so).
 * The longest leading run of words that spells a reason wins.
 */
export function parseReason(text: string): {
  readonly reason: NotReceivedReason;
  readonly known: boolean;
  readonly teks?: string;
} {
  const shown = foldSpaces(text);
  const exact = REASON_BY_KEY.get(compactKey(shown));
  if (exact) return { reason: exact, known: true };
  const list = words(shown);
  for (let count = Math.min(LONGEST_REASON_WORDS, list.length - 1); count >= 1; count--) {
    const reason = REASON_BY_KEY.get(list.slice(0, count).join(''));
    if (reason) return { reason, known: true, teks: shown.slice(0, MAX_TEXT) };
  }
  return { reason: 'LAINNYA', known: false, teks: shown.slice(0, MAX_TEXT) };
}

/** At most this long, a free text cell kept (a reason, a proxy's letter number, a photo reference). */
const MAX_TEXT = 200;
const MAX_PHOTO_REF = 200;
/** A photo reference: a file name or a URL-ish id; never fetched, so only its form is checked. */
const PHOTO_REF = /^[A-Za-z0-9][A-Za-z0-9 ._~\-/:#?=&%+()]*$/;
/** A reference that names a scheme names http(s) only (no `javascript:`, `data:`, `file:`). */
const PHOTO_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const POWER_OF_ATTORNEY = /^[0-9A-Za-z][0-9A-Za-z./ _-]{0,59}$/;
const DEGREES = /^[+-]?\d{1,3}(?:[.,]\d+)?$/;
const PANGAN_REF = /^KHBS-\d{4}-\d{1,2}-P-[A-Z2-7]{12}$/;

/** Kalimantan Tengah's bounding box, roughly: a point outside it is kept with a warning. */
export const KALTENG_BOUNDS = { minLat: -3.6, maxLat: 0.8, minLon: 110.7, maxLon: 115.9 } as const;

/** `-2,2136` or `113.9213` as a number; undefined when it is not decimal degrees. */
export function parseDegrees(text: string): number | undefined {
  const shown = foldSpaces(text);
  if (!DEGREES.test(shown)) return undefined;
  return Number(shown.replace(',', '.'));
}

/** One BAST line, checked. The shape stored and read back (by the import's adapter). */
export const BastLineSchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    noKk: z.string().regex(/^\d{16}$/),
    kkValid: z.boolean(),
    status: z.enum(BAST_STATUSES),
    /** `YYYY-MM-DD`. */
    tanggal: z.iso.date(),
    receiverNik: z
      .string()
      .regex(/^\d{16}$/)
      .optional(),
    receiverName: z.string().max(MAX_TEXT).optional(),
    /** As the line states it; the judgement decides from the KK ({@link judgeBastLine}). */
    hubungan: z.enum(BAST_RECEIVERS).optional(),
    nomorSuratKuasa: z.string().max(60).optional(),
    alasan: z.enum(NOT_RECEIVED_REASONS).optional(),
    alasanTeks: z.string().max(MAX_TEXT).optional(),
    foto: z.string().max(MAX_PHOTO_REF).optional(),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
    referensi: z.string().regex(PANGAN_REF).optional(),
  }),
);
export type BastLine = z.infer<typeof BastLineSchema>;

export interface BastRules {
  /** The day the file is imported (`YYYY-MM-DD`): a handover cannot be later. */
  readonly today: string;
}

const error = (column: BastColumn | null, code: string, message: string): BastProblem => ({
  column,
  code,
  severity: 'error',
  message,
});
const warning = (column: BastColumn | null, code: string, message: string): BastProblem => ({
  column,
  code,
  severity: 'warning',
  message,
});

const statusChoices = 'DITERIMA atau TIDAK DITERIMA';
const receiverChoices = 'KPM (penerima sendiri), Anggota Keluarga, atau Kuasa';
const reasonChoices = NOT_RECEIVED_REASONS.map((reason) => NOT_RECEIVED_REASON_LABEL[reason]).join(', ');

/**
 * Checks one BAST line on its own; whether the family is in the decree and the receiver in its KK
 * is {@link judgeBastLine}'s. Every problem of the line is reported (one round of corrections); an
 * error keeps the line out, a warning lets it in. Cell values are never quoted (a shifted column
 * would put a NIK or a name into a message); messages name the column and the accepted values.
 *
 * - received (DITERIMA): the receiver's NIK and name are required; `hubungan` says who they are
 *   (empty: the KK decides); a proxy (kuasa) needs the number of the power of attorney;
 * - not received (TIDAK DITERIMA): the reason is required; the receiver's columns are ignored;
 * - the photo reference and the coordinates are evidence, not conditions: a missing or unreadable
 *   one is a warning, and a point outside Kalimantan Tengah is kept with a warning.
 */
export function validateBastLine(
  raw: Partial<Record<BastColumn, string>>,
  rules: BastRules,
): Checked<BastLine, BastProblem> {
  const cell = (column: BastColumn) => foldSpaces(raw[column] ?? '');
  const errors: BastProblem[] = [];
  const warnings: BastProblem[] = [];
  const add = (problem: BastProblem) => (problem.severity === 'error' ? errors : warnings).push(problem);

  const kk = parseNoKk(raw.no_kk ?? '', 'no_kk');
  if (kk.problem) add(kk.problem);

  const statusText = cell('status');
  const status = statusText === '' ? undefined : STATUS_BY_KEY.get(compactKey(statusText));
  if (status === undefined) {
    add(
      error(
        'status',
        statusText === '' ? 'STATUS_WAJIB' : 'STATUS_TIDAK_DIKENAL',
        statusText === ''
          ? `Status serah terima wajib diisi: ${statusChoices}.`
          : `Status serah terima tidak dikenal. Tulis ${statusChoices}.`,
      ),
    );
  }

  const year = Number(rules.today.slice(0, 4));
  const date = parseDayDate(cell('tanggal'), {
    label: 'Tanggal serah terima',
    minYear: year - 1,
    maxYear: year,
    excelSerial: true,
  });
  if (!date.ok) add(error('tanggal', date.code, date.message));
  else if (date.value > rules.today) {
    add(
      error(
        'tanggal',
        'DATE_INVALID',
        `Tanggal serah terima ${date.value} belum tiba; periksa penulisannya.`,
      ),
    );
  }

  let receiverNik: string | undefined;
  let receiverName: string | undefined;
  let hubungan: BastReceiver | undefined;
  let nomorSuratKuasa: string | undefined;
  let alasan: ReturnType<typeof parseReason> | undefined;

  if (status === 'DITERIMA') {
    const nikText = raw.nik_penerima ?? '';
    if (nikText.includes('*')) {
      add(
        error(
          'nik_penerima',
          'NIK_TERSAMAR',
          'NIK penerima tertulis tersamar (dengan *). Tulis NIK lengkap dari KTP orang yang menerima paket.',
        ),
      );
    } else {
      const nik = parseNik(nikText);
      if (nik.ok) receiverNik = nik.nik;
      else
        add(
          error(
            'nik_penerima',
            nik.code,
            nik.code === 'NIK_REQUIRED'
              ? 'NIK penerima wajib diisi untuk paket yang diterima: 16 angka sesuai KTP orang yang menerima.'
              : nik.message,
          ),
        );
    }
    const name = cell('nama_penerima');
    const problem = nameProblem(name);
    if (problem)
      add(
        error(
          'nama_penerima',
          problem.code,
          problem.code === 'NAME_REQUIRED'
            ? 'Nama penerima wajib diisi untuk paket yang diterima, sesuai KTP orang yang menerima.'
            : problem.message,
        ),
      );
    else receiverName = name;

    const hubunganText = cell('hubungan');
    if (hubunganText === '') {
      add(
        warning(
          'hubungan',
          'HUBUNGAN_KOSONG',
          'Hubungan penerima kosong: ditentukan dari NIK penerima dan data KK (KPM atau anggota keluarga). Penerima di luar KK harus ditulis Kuasa dengan nomor surat kuasa.',
        ),
      );
    } else {
      hubungan = RECEIVER_BY_KEY.get(compactKey(hubunganText));
      if (hubungan === undefined)
        add(
          error(
            'hubungan',
            'HUBUNGAN_TIDAK_DIKENAL',
            `Hubungan penerima tidak dikenal. Tulis ${receiverChoices}.`,
          ),
        );
    }
    const letter = cell('nomor_surat_kuasa');
    if (letter !== '') {
      if (POWER_OF_ATTORNEY.test(letter)) nomorSuratKuasa = letter;
      else
        add(
          error(
            'nomor_surat_kuasa',
            'SURAT_KUASA_TIDAK_SAH',
            'Nomor surat kuasa hanya boleh berisi huruf, angka dan tanda . / - _ (paling banyak 60 karakter).',
          ),
        );
    }
    if (hubungan === 'KUASA' && letter === '') {
      add(
        error(
          'nomor_surat_kuasa',
          'SURAT_KUASA_WAJIB',
          'Penerima kuasa wajib disertai nomor surat kuasa dari KPM. Tanpa surat kuasa, paket hanya boleh diterima KPM atau anggota keluarga dalam KK yang sama.',
        ),
      );
    }
    if (cell('alasan') !== '') {
      add(warning('alasan', 'ALASAN_DIABAIKAN', 'Alasan diabaikan karena paket tercatat diterima.'));
    }
  } else if (status === 'TIDAK_DITERIMA') {
    const reasonText = cell('alasan');
    if (reasonText === '') {
      add(
        error(
          'alasan',
          'ALASAN_WAJIB',
          `Alasan wajib diisi untuk paket yang tidak diterima, mis. ${reasonChoices} (boleh ditambah keterangan).`,
        ),
      );
    } else {
      alasan = parseReason(reasonText);
      if (!alasan.known) {
        add(
          warning(
            'alasan',
            'ALASAN_LAINNYA',
            `Alasan tidak ada dalam daftar (${reasonChoices}); dicatat sebagai Lainnya dengan keterangannya.`,
          ),
        );
      }
    }
  }

  const foto = checkPhoto(cell('foto'), status, add);
  const point = checkPoint(cell('latitude'), cell('longitude'), add);

  let referensi: string | undefined;
  const refText = cell('referensi').toUpperCase();
  if (refText !== '') {
    if (PANGAN_REF.test(refText)) referensi = refText;
    else
      add(
        warning(
          'referensi',
          'REFERENSI_TIDAK_SAH',
          'Referensi bukan referensi hak pangan dari daftar penyaluran (seperti KHBS-2026-1-P-ABCDEFGHJKMN) dan diabaikan; baris dicocokkan dengan No KK.',
        ),
      );
  }

  if (errors.length > 0 || kk.noKk === undefined || status === undefined || !date.ok) {
    return { value: undefined, errors, warnings };
  }
  return {
    value: {
      noKk: kk.noKk,
      kkValid: kk.valid,
      status,
      tanggal: date.value,
      ...(receiverNik !== undefined ? { receiverNik } : {}),
      ...(receiverName !== undefined ? { receiverName: receiverName.slice(0, MAX_TEXT) } : {}),
      ...(hubungan !== undefined ? { hubungan } : {}),
      ...(nomorSuratKuasa !== undefined ? { nomorSuratKuasa } : {}),
      ...(alasan !== undefined ? { alasan: alasan.reason } : {}),
      ...(alasan?.teks !== undefined ? { alasanTeks: alasan.teks } : {}),
      ...(foto !== undefined ? { foto } : {}),
      ...(point !== undefined ? { latitude: point.latitude, longitude: point.longitude } : {}),
      ...(referensi !== undefined ? { referensi } : {}),
    },
    errors,
    warnings,
  };
}

function checkPhoto(
  text: string,
  status: BastStatus | undefined,
  add: (problem: BastProblem) => void,
): string | undefined {
  if (text === '') {
    if (status === 'DITERIMA')
      add(
        warning(
          'foto',
          'FOTO_KOSONG',
          'Referensi foto serah terima kosong: penyerahan dicatat tanpa bukti foto.',
        ),
      );
    return undefined;
  }
  const scheme = PHOTO_SCHEME.exec(text)?.[1]?.toLowerCase();
  if (
    text.length > MAX_PHOTO_REF ||
    !PHOTO_REF.test(text) ||
    (scheme !== undefined && scheme !== 'http' && scheme !== 'https')
  ) {
    add(
      warning(
        'foto',
        'FOTO_TIDAK_SAH',
        `Referensi foto diabaikan: tulis nama berkas atau alamat http(s) foto (huruf, angka, spasi dan . _ - / : ~ # ? = & % + ( ), paling banyak ${MAX_PHOTO_REF} karakter).`,
      ),
    );
    return undefined;
  }
  return text;
}

function checkPoint(
  latText: string,
  lonText: string,
  add: (problem: BastProblem) => void,
): { readonly latitude: number; readonly longitude: number } | undefined {
  if (latText === '' && lonText === '') return undefined;
  if (latText === '' || lonText === '') {
    add(
      warning(
        latText === '' ? 'latitude' : 'longitude',
        'KOORDINAT_TIDAK_LENGKAP',
        'Koordinat hanya terisi sebagian (latitude dan longitude harus diisi keduanya); koordinat diabaikan.',
      ),
    );
    return undefined;
  }
  const latitude = parseDegrees(latText);
  const longitude = parseDegrees(lonText);
  if (
    latitude === undefined ||
    longitude === undefined ||
    Math.abs(latitude) > 90 ||
    Math.abs(longitude) > 180 ||
    (latitude === 0 && longitude === 0)
  ) {
    const swapped =
      latitude !== undefined &&
      longitude !== undefined &&
      inKalteng(longitude, latitude) &&
      !inKalteng(latitude, longitude);
    add(
      warning(
        latitude === undefined || Math.abs(latitude) > 90 ? 'latitude' : 'longitude',
        'KOORDINAT_TIDAK_SAH',
        `Koordinat tidak dapat dibaca sebagai derajat desimal (mis. -2,2136 dan 113,9213) dan diabaikan.${swapped ? ' Latitude dan longitude tampaknya tertukar.' : ''}`,
      ),
    );
    return undefined;
  }
  if (!inKalteng(latitude, longitude)) {
    add(
      warning(
        'latitude',
        'KOORDINAT_DI_LUAR_KALTENG',
        'Koordinat berada di luar wilayah Kalimantan Tengah; disimpan, tetapi periksa titik serah terimanya.',
      ),
    );
  }
  return { latitude, longitude };
}

const inKalteng = (latitude: number, longitude: number) =>
  latitude >= KALTENG_BOUNDS.minLat &&
  latitude <= KALTENG_BOUNDS.maxLat &&
  longitude >= KALTENG_BOUNDS.minLon &&
  longitude <= KALTENG_BOUNDS.maxLon;

// --- Judging a line against the family's facts ---------------------------------------------------

/**
 * What a line is, for recognising it again: a handover by its date and receiver, a failed one by its
 * date and reason. The same line in a later file (or twice in one) has the same key and changes
 * nothing; a photo or coordinates typed differently do not make it another handover.
 */
export const bastLineKey = (line: BastLine): string =>
  line.status === 'DITERIMA'
    ? `D#${line.tanggal}#${line.receiverNik ?? ''}`
    : `T#${line.tanggal}#${line.alasan ?? ''}`;

export const FOOD_FINDING_CODES = [
  'BUKAN_KPM',
  'REFERENSI_TIDAK_COCOK',
  'BELUM_DIKIRIM',
  'SERAH_TERIMA_KEDUA',
  'BAST_BERTENTANGAN',
  'PENERIMA_TIDAK_BERHAK',
  'PENERIMA_BELUM_DEWASA',
] as const;
export type FoodFindingCode = (typeof FOOD_FINDING_CODES)[number];

export const FOOD_FINDING_LABEL: Readonly<Record<FoodFindingCode, string>> = {
  BUKAN_KPM: 'Keluarga tidak tercantum dalam SK (tidak berhak pangan tahap ini)',
  REFERENSI_TIDAK_COCOK: 'Referensi BAST menunjuk hak lain daripada No KK-nya',
  BELUM_DIKIRIM: 'Serah terima untuk keluarga yang belum ada di daftar penyaluran BULOG',
  SERAH_TERIMA_KEDUA: 'Serah terima kedua untuk keluarga yang sudah menerima',
  BAST_BERTENTANGAN: 'BAST tidak diterima setelah keluarga tercatat menerima',
  PENERIMA_TIDAK_BERHAK: 'Penerima bukan anggota KK dan bukan penerima kuasa',
  PENERIMA_BELUM_DEWASA: 'Penerima anggota KK yang belum dewasa',
};

/** A typed finding: code, label, and a detail in Indonesian that names no person in full. */
export interface FoodFinding {
  readonly code: FoodFindingCode;
  readonly label: string;
  readonly detail: string;
}

const finding = (code: FoodFindingCode, detail: string): FoodFinding => ({
  code,
  label: FOOD_FINDING_LABEL[code],
  detail,
});

/** A member of the family's KK, as stored with the snapshot. */
export interface BastMember {
  readonly nik: string;
  readonly hubungan: Relationship;
  /** `YYYY-MM-DD`. */
  readonly tanggalLahir: string;
}

/** What the import looks up for the line's No KK before judging it. */
export interface BastFacts {
  /** The family's PANGAN entitlement in this tahap; undefined when the decree does not name the family. */
  readonly entitlement?:
    | {
        readonly ref: string;
        readonly status: EntitlementStatus;
        readonly penerimaNik: string;
        readonly members: readonly BastMember[];
        /** The recorded handover, when the entitlement is DITERIMA. */
        readonly received?:
          | { readonly tanggal: string; readonly receiverNik?: string | undefined }
          | undefined;
      }
    | undefined;
  /** {@link bastLineKey} of every line already recorded (or found) for this family in this tahap. */
  readonly seen: ReadonlySet<string>;
}

export type BastJudgement =
  /** The same line again: nothing changes, nothing is found. */
  | { readonly kind: 'DUPLICATE'; readonly lineKey: string }
  /** Nothing moves; the finding is recorded under the line's key (so the same line again is a duplicate). */
  | { readonly kind: 'FINDING'; readonly lineKey: string; readonly finding: FoodFinding }
  | {
      readonly kind: 'RECORDED';
      readonly lineKey: string;
      readonly from: EntitlementStatus;
      readonly to: EntitlementStatus;
      /** Each status the entitlement passes through after `from`; empty when it stays. */
      readonly path: readonly EntitlementStatus[];
      /** Who received, as the KK bears it out (DITERIMA only). */
      readonly receiver?: BastReceiver;
      readonly reason?: NotReceivedReason;
      /** A handover after a failed one (GAGAL → DIULANG → DITERIMA). */
      readonly redelivery: boolean;
      /** For the import's report: where the line's `hubungan` was corrected from the KK. */
      readonly warnings: readonly BastProblem[];
    };

/**
 * What a checked BAST line does to the family's PANGAN entitlement, given the facts the import
 * looked up. Pure; the caller writes the move (conditional on `from`) and adds `lineKey` to `seen`.
 *
 * - the same line again (its {@link bastLineKey} in `seen`): DUPLICATE, a no-op;
 * - no entitlement: BUKAN_KPM; a `referensi` of another entitlement: REFERENSI_TIDAK_COCOK; an
 *   entitlement never sent to BULOG (DITETAPKAN): BELUM_DIKIRIM;
 * - received: already DITERIMA → SERAH_TERIMA_KEDUA; the receiver must be the penerima (KPM), an
 *   adult member of the KK (anggota keluarga, adult as on the verval sheet: `memberOn`), or, outside
 *   the KK, a proxy whose line states kuasa with the power of attorney's number; anything else is
 *   PENERIMA_TIDAK_BERHAK (a minor member: PENERIMA_BELUM_DEWASA). The KK decides the kind: a
 *   member written as KPM is recorded as anggota keluarga, with a warning. DIKIRIM/DIULANG →
 *   DITERIMA; **GAGAL → DIULANG → DITERIMA is a valid re-delivery**, not a finding: BULOG came back
 *   (or the family came later) and the package reached them once;
 * - not received: DIKIRIM/DIULANG → GAGAL with the reason; after GAGAL another failed attempt is
 *   recorded, the status stays; after DITERIMA it is an earlier failed attempt when dated before
 *   the handover (recorded, no move), else BAST_BERTENTANGAN.
 *
 * A line with a finding moves nothing, so its package is not invoiced until the province settles it.
 */
export function judgeBastLine(line: BastLine, facts: BastFacts): BastJudgement {
  const lineKey = bastLineKey(line);
  if (facts.seen.has(lineKey)) return { kind: 'DUPLICATE', lineKey };
  const found = (code: FoodFindingCode, detail: string): BastJudgement => ({
    kind: 'FINDING',
    lineKey,
    finding: finding(code, detail),
  });
  const entitlement = facts.entitlement;
  if (!entitlement) {
    return found(
      'BUKAN_KPM',
      `BAST ${statusWords(line)} tanggal ${line.tanggal} untuk No KK yang tidak mempunyai hak pangan pada tahap ini.`,
    );
  }
  if (line.referensi !== undefined && line.referensi !== entitlement.ref) {
    return found(
      'REFERENSI_TIDAK_COCOK',
      `Referensi pada BAST (${line.referensi}) bukan referensi hak pangan keluarga ini (${entitlement.ref}); No KK atau referensi salah tulis.`,
    );
  }
  const from = entitlement.status;
  if (from === 'DITETAPKAN') {
    return found(
      'BELUM_DIKIRIM',
      `BAST ${statusWords(line)} tanggal ${line.tanggal}, padahal hak pangan keluarga ini belum masuk daftar penyaluran yang dikirim ke BULOG.`,
    );
  }
  const recorded = (
    to: EntitlementStatus,
    path: readonly EntitlementStatus[],
    extra: { receiver?: BastReceiver; reason?: NotReceivedReason; warnings?: BastProblem[] } = {},
  ): BastJudgement => {
    let at: EntitlementStatus = from;
    for (const next of path) {
      if (!entitlementMayMove(at, next)) throw new Error(`entitlement may not move ${at} → ${next}`);
      at = next;
    }
    return {
      kind: 'RECORDED',
      lineKey,
      from,
      to,
      path,
      ...(extra.receiver !== undefined ? { receiver: extra.receiver } : {}),
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
      redelivery: from === 'GAGAL' && to === 'DITERIMA',
      warnings: extra.warnings ?? [],
    };
  };

  if (line.status === 'TIDAK_DITERIMA') {
    const reason = line.alasan ?? 'LAINNYA';
    if (from === 'DITERIMA') {
      const receivedOn = entitlement.received?.tanggal;
      if (receivedOn !== undefined && line.tanggal < receivedOn) return recorded(from, [], { reason });
      return found(
        'BAST_BERTENTANGAN',
        `BAST tidak diterima (${NOT_RECEIVED_REASON_LABEL[reason]}) tanggal ${line.tanggal}, padahal keluarga ini tercatat menerima paket${receivedOn ? ` pada ${receivedOn}` : ''}.`,
      );
    }
    if (from === 'GAGAL') return recorded('GAGAL', [], { reason });
    return recorded('GAGAL', ['GAGAL'], { reason });
  }

  // Received.
  const receiverNik = line.receiverNik ?? '';
  if (from === 'DITERIMA') {
    const earlier = entitlement.received;
    return found(
      'SERAH_TERIMA_KEDUA',
      `Keluarga ini sudah tercatat menerima paket${earlier ? ` pada ${earlier.tanggal}${earlier.receiverNik ? ` (penerima ${maskNik(earlier.receiverNik)})` : ''}` : ''}; BAST ini mencatat serah terima lagi pada ${line.tanggal} kepada ${maskNik(receiverNik)}. Paket kedua tidak ditagihkan.`,
    );
  }
  const who = classifyReceiver(line, entitlement.penerimaNik, entitlement.members);
  if (!who.ok) return found(who.code, who.detail);
  const warnings: BastProblem[] = [];
  if (line.hubungan !== undefined && line.hubungan !== who.receiver) {
    warnings.push(
      warning(
        'hubungan',
        'HUBUNGAN_DIKOREKSI',
        `Hubungan tertulis ${BAST_RECEIVER_LABEL[line.hubungan]}, tetapi menurut data KK penerima adalah ${BAST_RECEIVER_LABEL[who.receiver]}; dicatat sebagai ${BAST_RECEIVER_LABEL[who.receiver]}.`,
      ),
    );
  }
  const path: EntitlementStatus[] = from === 'GAGAL' ? ['DIULANG', 'DITERIMA'] : ['DITERIMA'];
  return recorded('DITERIMA', path, { receiver: who.receiver, warnings });
}

const statusWords = (line: BastLine) => (line.status === 'DITERIMA' ? 'diterima' : 'tidak diterima');

/**
 * Whether judging the line needs the KK's members: only a package received by someone other than
 * the penerima (a member, or a proxy who might also be one). {@link judgeBastLine} reads
 * `members` for nothing else, so a caller may pass none otherwise.
 */
export function bastNeedsMembers(line: BastLine, penerimaNik: string): boolean {
  return line.status === 'DITERIMA' && (line.receiverNik ?? '') !== penerimaNik;
}

function classifyReceiver(
  line: BastLine,
  penerimaNik: string,
  members: readonly BastMember[],
):
  | { readonly ok: true; readonly receiver: BastReceiver }
  | { readonly ok: false; readonly code: FoodFindingCode; readonly detail: string } {
  const nik = line.receiverNik ?? '';
  if (nik === penerimaNik) return { ok: true, receiver: 'KPM' };
  const member = members.find((candidate) => candidate.nik === nik);
  if (member) {
    if (isAdult(memberOn(member, line.tanggal))) return { ok: true, receiver: 'ANGGOTA_KELUARGA' };
    return {
      ok: false,
      code: 'PENERIMA_BELUM_DEWASA',
      detail: `Penerima (${maskNik(nik)}) anggota KK ini tetapi belum berusia ${ADULT_AGE} tahun dan belum menikah pada ${line.tanggal}.`,
    };
  }
  if (line.hubungan === 'KUASA' && line.nomorSuratKuasa !== undefined) return { ok: true, receiver: 'KUASA' };
  const said =
    line.hubungan === undefined ? 'tanpa hubungan' : `sebagai ${BAST_RECEIVER_LABEL[line.hubungan]}`;
  return {
    ok: false,
    code: 'PENERIMA_TIDAK_BERHAK',
    detail: `Paket diterima pada ${line.tanggal} oleh ${maskNik(nik)} (tertulis ${said}), yang bukan KPM, bukan anggota KK ini, dan tidak tercatat sebagai penerima kuasa dengan nomor surat kuasa.`,
  };
}

// --- Reconciliation per titik bagi and BULOG's invoice basis -------------------------------------

/** One PANGAN entitlement as it stands, for the fold. */
export interface FoodOutcome {
  /** The titik bagi: the family's desa (Kemendagri code, `62.03.01.2001`). */
  readonly desaCode: string;
  readonly status: EntitlementStatus;
  /** The entitlement's Rupiah (the decree's PANGAN amount). */
  readonly amount: number;
  /** Who received (DITERIMA). */
  readonly receiver?: BastReceiver | undefined;
  /** Why not (GAGAL). */
  readonly reason?: NotReceivedReason | undefined;
  /** Whether the handover's BAST line carried a photo reference (DITERIMA). */
  readonly withPhoto?: boolean | undefined;
}

export interface TitikBagiTally {
  readonly desaCode: string;
  readonly entitled: { families: number; packages: number; rupiah: number };
  readonly delivered: {
    packages: number;
    byReceiver: Record<BastReceiver, number>;
    /** Delivered without a photo reference: evidence to ask BULOG for. */
    withoutPhoto: number;
  };
  readonly notReceived: { packages: number; byReason: Partial<Record<NotReceivedReason, number>> };
  /** Sent (DIKIRIM, DIULANG) or not even sent (DITETAPKAN), with no BAST line that settles it yet. */
  notReported: number;
  readonly findings: { total: number; byCode: Partial<Record<FoodFindingCode, number>> };
}

/** What BULOG may invoice for one kabupaten: packages delivered × the package price. */
export interface FoodInvoiceBasis {
  readonly region: string;
  readonly titikBagi: number;
  readonly packagesEntitled: number;
  readonly packagesDelivered: number;
  readonly packagesNotReceived: number;
  readonly packagesNotReported: number;
  readonly findings: number;
  readonly price: number;
  /** `packagesDelivered × price`: the basis of the invoice. */
  readonly total: number;
  /** `Rp…` of {@link total}, for the report. */
  readonly totalLabel: string;
}

const emptyTally = (desaCode: string): TitikBagiTally => ({
  desaCode,
  entitled: { families: 0, packages: 0, rupiah: 0 },
  delivered: { packages: 0, byReceiver: { KPM: 0, ANGGOTA_KELUARGA: 0, KUASA: 0 }, withoutPhoto: 0 },
  notReceived: { packages: 0, byReason: {} },
  notReported: 0,
  findings: { total: 0, byCode: {} },
});

/**
 * The reconciliation of a tahap's food: a streaming fold over its PANGAN entitlements (one
 * {@link add} each, in any order) and its BAST findings ({@link addFinding}), keeping one tally per
 * titik bagi (desa; a few thousand in the province) and nothing per family. {@link invoice} is the
 * basis of BULOG's invoice per kabupaten: **packages delivered × the package price, not packages
 * entitled** — not received, not reported and disputed (a line with a finding) are not paid; a
 * re-delivery is one package.
 */
export class FoodReconciliation {
  private readonly tallies = new Map<string, TitikBagiTally>();
  /** Findings with no desa (a family not in the decree has no titik bagi), per kabupaten. */
  private readonly unplaced = new Map<string, number>();

  constructor(private readonly pkg: Pick<FoodPackage, 'price'>) {}

  private tally(desaCode: string): TitikBagiTally {
    let tally = this.tallies.get(desaCode);
    if (!tally) {
      tally = emptyTally(desaCode);
      this.tallies.set(desaCode, tally);
    }
    return tally;
  }

  add(outcome: FoodOutcome): void {
    const tally = this.tally(outcome.desaCode);
    tally.entitled.families++;
    tally.entitled.packages++;
    tally.entitled.rupiah += outcome.amount;
    switch (outcome.status) {
      case 'DITERIMA':
        tally.delivered.packages++;
        tally.delivered.byReceiver[outcome.receiver ?? 'KPM']++;
        if (outcome.withPhoto === false) tally.delivered.withoutPhoto++;
        break;
      case 'GAGAL': {
        const reason = outcome.reason ?? 'LAINNYA';
        tally.notReceived.packages++;
        tally.notReceived.byReason[reason] = (tally.notReceived.byReason[reason] ?? 0) + 1;
        break;
      }
      default:
        tally.notReported++;
    }
  }

  /** A finding of a BAST line: in its family's desa when it has one, else under the kabupaten. */
  addFinding(code: FoodFindingCode, where: { readonly desaCode?: string; readonly region: string }): void {
    if (where.desaCode === undefined) {
      this.unplaced.set(where.region, (this.unplaced.get(where.region) ?? 0) + 1);
      return;
    }
    const tally = this.tally(where.desaCode);
    tally.findings.total++;
    tally.findings.byCode[code] = (tally.findings.byCode[code] ?? 0) + 1;
  }

  /** Every titik bagi's tally, by desa code. */
  titikBagi(): TitikBagiTally[] {
    return [...this.tallies.values()].sort((a, b) => a.desaCode.localeCompare(b.desaCode));
  }

  /** The invoice basis per kabupaten, by region code. */
  invoice(): FoodInvoiceBasis[] {
    const byRegion = new Map<string, Omit<FoodInvoiceBasis, 'price' | 'total' | 'totalLabel'>>();
    const entry = (region: string) => {
      let found = byRegion.get(region);
      if (!found) {
        found = {
          region,
          titikBagi: 0,
          packagesEntitled: 0,
          packagesDelivered: 0,
          packagesNotReceived: 0,
          packagesNotReported: 0,
          findings: 0,
        };
        byRegion.set(region, found);
      }
      return found;
    };
    for (const tally of this.tallies.values()) {
      const current = entry(regionOfPlace(tally.desaCode));
      byRegion.set(current.region, {
        ...current,
        titikBagi: current.titikBagi + (tally.entitled.packages > 0 ? 1 : 0),
        packagesEntitled: current.packagesEntitled + tally.entitled.packages,
        packagesDelivered: current.packagesDelivered + tally.delivered.packages,
        packagesNotReceived: current.packagesNotReceived + tally.notReceived.packages,
        packagesNotReported: current.packagesNotReported + tally.notReported,
        findings: current.findings + tally.findings.total,
      });
    }
    for (const [region, count] of this.unplaced) {
      const current = entry(region);
      byRegion.set(region, { ...current, findings: current.findings + count });
    }
    const { price } = this.pkg;
    return [...byRegion.values()]
      .sort((a, b) => a.region.localeCompare(b.region))
      .map((basis) => {
        const total = basis.packagesDelivered * price;
        return { ...basis, price, total, totalLabel: formatRupiah(total) };
      });
  }
}
