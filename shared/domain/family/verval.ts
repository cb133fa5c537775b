/**
 * The field check (verifikasi dan validasi, verval) of a family by a relawan: its result as relawan
 * write it, and what it means for the family's place in the tahap. Pure: no AWS, no I/O.
 */
import { compactKey, foldSpaces } from '../text.ts';
import type { ExclusionReason } from './eligibility.ts';
import type { Relationship } from './hubungan.ts';

export const VERVAL_RESULTS = [
  'LAYAK',
  'MAMPU',
  'MENINGGAL',
  'PINDAH',
  'TIDAK_DITEMUKAN',
  'GANDA',
  'MENOLAK',
] as const;
export type VervalResult = (typeof VERVAL_RESULTS)[number];

export const VERVAL_RESULT_LABEL: Readonly<Record<VervalResult, string>> = {
  LAYAK: 'Layak',
  MAMPU: 'Sudah mampu',
  MENINGGAL: 'Kepala keluarga meninggal',
  PINDAH: 'Pindah',
  TIDAK_DITEMUKAN: 'Tidak ditemukan',
  GANDA: 'Terdaftar ganda',
  MENOLAK: 'Menolak',
};

/** The spellings seen on filled sheets, by matching key. */
const SPELLINGS: Readonly<Record<VervalResult, readonly string[]>> = {
  LAYAK: ['Layak', 'Layak Menerima', 'Eligible', 'Sesuai', 'Memenuhi Syarat', 'MS', 'Ya'],
  MAMPU: ['Mampu', 'Sudah Mampu', 'Tidak Layak', 'Tidak Memenuhi Syarat', 'TMS', 'Mampu/Tidak Layak'],
  MENINGGAL: ['Meninggal', 'Meninggal Dunia', 'Wafat', 'Almarhum', 'Alm', 'KK Meninggal'],
  PINDAH: ['Pindah', 'Pindah Domisili', 'Pindah Alamat', 'Keluar Desa'],
  TIDAK_DITEMUKAN: ['Tidak Ditemukan', 'Tdk Ditemukan', 'Tidak Ada', 'Tidak Dikenal', 'TD'],
  GANDA: ['Ganda', 'Data Ganda', 'Terdaftar Ganda', 'Dobel', 'Double'],
  MENOLAK: ['Menolak', 'Tidak Bersedia', 'Tolak', 'Mengundurkan Diri'],
};

const byKey = new Map<string, VervalResult>();
for (const result of VERVAL_RESULTS) {
  for (const spelling of SPELLINGS[result]) byKey.set(compactKey(spelling), result);
}

export type ParsedResult =
  | { readonly ok: true; readonly value: VervalResult }
  | { readonly ok: false; readonly code: 'HASIL_WAJIB' | 'HASIL_TIDAK_DIKENAL'; readonly message: string };

export function parseVervalResult(text: string): ParsedResult {
  const shown = foldSpaces(text);
  if (shown === '') {
    return { ok: false, code: 'HASIL_WAJIB', message: `Hasil verval wajib diisi: ${choices()}.` };
  }
  const value = byKey.get(compactKey(shown.replaceAll('_', ' ')));
  if (value) return { ok: true, value };
  return {
    ok: false,
    code: 'HASIL_TIDAK_DIKENAL',
    message: `Hasil verval "${shown.length > 30 ? `${shown.slice(0, 30)}…` : shown}" tidak dikenal. Pilih salah satu: ${choices()}.`,
  };
}

const choices = () => VERVAL_RESULTS.join(', ');

/** A member as the verval reads it: whether they can hold the card and the account. */
export interface MemberOfFamily {
  readonly nik: string;
  readonly head: boolean;
  /** Age in whole years on the verval date. */
  readonly age: number;
  /** Married members are adults under Indonesian civil law whatever their age. */
  readonly married?: boolean;
}

/** The age from which a member may hold the card and the bank account. */
export const ADULT_AGE = 17;

export const isAdult = (member: MemberOfFamily): boolean =>
  member.age >= ADULT_AGE || member.married === true;

/**
 * Relationships that mean the member is or was married (married members are adults by law). The
 * DTSEN extract does not record marriage, so the head, a spouse and a menantu count as married.
 */
export const MARRIED_RELATIONSHIPS: ReadonlySet<Relationship> = new Set([
  'KEPALA_KELUARGA',
  'SUAMI',
  'ISTRI',
  'MENANTU',
]);

/** Whole years from `birth` to `on` (both `YYYY-MM-DD`), or undefined when either is unreadable. */
export function ageOn(birth: string, on: string): number | undefined {
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth);
  const o = /^(\d{4})-(\d{2})-(\d{2})$/.exec(on);
  if (!b || !o) return undefined;
  const [by, bm, bd] = [Number(b[1]), Number(b[2]), Number(b[3])];
  const [oy, om, od] = [Number(o[1]), Number(o[2]), Number(o[3])];
  return oy - by - (om < bm || (om === bm && od < bd) ? 1 : 0);
}

/**
 * A stored member (NIK, relationship, birth date) as the verval reads them on `asOf`: its age then
 * (-1 when the birth date cannot be read: not an adult by age) and whether it counts as married
 * ({@link MARRIED_RELATIONSHIPS}). The one place the sheet's adult members and the KPM checks'
 * adult penerima are decided.
 */
export const memberOn = (
  member: { readonly nik: string; readonly hubungan: Relationship; readonly tanggalLahir: string },
  asOf: string,
): MemberOfFamily => ({
  nik: member.nik,
  head: member.hubungan === 'KEPALA_KELUARGA',
  age: ageOn(member.tanggalLahir, asOf) ?? -1,
  married: MARRIED_RELATIONSHIPS.has(member.hubungan),
});

export type VervalEffect =
  | {
      readonly ok: true;
      readonly inTahap: true;
      readonly penerimaNik: string;
      readonly penerimaChanged: boolean;
    }
  | { readonly ok: true; readonly inTahap: false; readonly result: VervalResult }
  | {
      readonly ok: false;
      readonly code: 'PENERIMA_WAJIB' | 'PENERIMA_BUKAN_ANGGOTA' | 'PENERIMA_BELUM_DEWASA';
      readonly message: string;
    };

/**
 * What a result does to the family: LAYAK keeps it in, with the head as penerima unless the sheet
 * names another adult member; MENINGGAL (the head died) keeps it in too, with the adult member the
 * sheet names as the new penerima — a family does not lose its aid because its head died; every
 * other result takes it out of this tahap.
 */
export function vervalEffect(
  result: VervalResult,
  members: readonly MemberOfFamily[],
  penerimaNik: string | undefined,
): VervalEffect {
  if (result !== 'LAYAK' && result !== 'MENINGGAL') return { ok: true, inTahap: false, result };
  const head = members.find((member) => member.head);
  if (penerimaNik === undefined) {
    if (result === 'MENINGGAL') {
      return {
        ok: false,
        code: 'PENERIMA_WAJIB',
        message:
          'Kepala keluarga meninggal: isi nik_penerima dengan NIK anggota keluarga dewasa yang menjadi penerima baru. Bila seluruh keluarga tidak ada lagi, pilih hasil lain (mis. PINDAH atau TIDAK_DITEMUKAN).',
      };
    }
    if (!head) {
      return {
        ok: false,
        code: 'PENERIMA_WAJIB',
        message:
          'Keluarga ini tidak memiliki kepala keluarga dalam data: isi nik_penerima dengan NIK anggota dewasa.',
      };
    }
    return { ok: true, inTahap: true, penerimaNik: head.nik, penerimaChanged: false };
  }
  const member = members.find((candidate) => candidate.nik === penerimaNik);
  if (!member) {
    return {
      ok: false,
      code: 'PENERIMA_BUKAN_ANGGOTA',
      message:
        'NIK penerima bukan anggota KK ini menurut data DTSEN. Penerima harus anggota keluarga yang tercantum di KK.',
    };
  }
  if (result === 'MENINGGAL' && member.head) {
    return {
      ok: false,
      code: 'PENERIMA_BUKAN_ANGGOTA',
      message:
        'NIK penerima adalah kepala keluarga yang dilaporkan meninggal. Isi NIK anggota keluarga dewasa lain.',
    };
  }
  if (!isAdult(member)) {
    return {
      ok: false,
      code: 'PENERIMA_BELUM_DEWASA',
      message: `Penerima harus berusia minimal ${ADULT_AGE} tahun atau sudah menikah. Pilih anggota keluarga dewasa.`,
    };
  }
  return { ok: true, inTahap: true, penerimaNik: member.nik, penerimaChanged: !member.head };
}

/**
 * Reasons a field visit settles: a member listed in two families, or one No KK in two kabupaten's
 * extracts, exclude both families until the verval finds which one is real (the other gets GANDA).
 */
export const SETTLED_BY_VERVAL: readonly ExclusionReason[] = [
  'ANGGOTA_DI_KELUARGA_LAIN',
  'KK_DI_DUA_KABUPATEN',
];

/** A family's eligibility verdict as the verval reads it. */
export interface EligibilityVerdictLike {
  readonly status: 'ELIGIBLE' | 'EXCLUDED';
  readonly reasons: readonly { readonly reason: ExclusionReason }[];
}

/**
 * Whether a relawan visits the family: every eligible family, and an excluded one whose every
 * reason is one the visit settles. A family excluded for its desil or an exclusion list is not
 * visited: no field result brings it in.
 */
export const needsVisit = (verdict: EligibilityVerdictLike): boolean =>
  verdict.status === 'ELIGIBLE' ||
  (verdict.reasons.length > 0 &&
    verdict.reasons.every((detail) => SETTLED_BY_VERVAL.includes(detail.reason)));
