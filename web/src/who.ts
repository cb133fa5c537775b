import { REGIONS } from '#shared/domain/regions.ts';
import { type Capability, type Group, type Scope, scopeOf } from '#shared/http/caller.ts';
import type { IdClaims } from './auth.ts';

/**
 * Who the signed-in user is, read from the ID token with the API's own rules (`scopeOf`): the same
 * role, region, agency and capabilities the API will grant, or the same refusal.
 */

export const ROLE_LABEL: Readonly<Record<Group, string>> = {
  operator: 'Operator kabupaten/kota',
  verifier: 'Verifikator perangkat daerah',
  approver: 'Penyetuju',
  auditor: 'Auditor',
  admin: 'Admin sistem',
  relawan: 'Relawan',
  bank: 'Bank',
  bulog: 'Bulog',
};

/** Every capability in words; a capability added to the API fails the build until it is named here. */
export const CAPABILITY_LABEL: Readonly<Record<Capability, string>> = {
  'uploads:create': 'Mengunggah berkas daftar penerima',
  'uploads:read': 'Melihat hasil unggahan dan laporan impor',
  'proposals:read': 'Melihat usulan dan daftar penerima',
  'proposals:submit': 'Mengajukan daftar untuk diverifikasi',
  'proposals:review': 'Menyetujui atau mengembalikan daftar atas nama perangkat daerah',
  'flags:waive': 'Mengesampingkan temuan dengan alasan tertulis',
  'proposals:decide': 'Menyetujui atau menolak daftar yang telah diverifikasi',
  'decrees:read': 'Melihat SK Gubernur yang diterbitkan',
  'decrees:revoke': 'Mencabut SK Gubernur dengan alasan',
  'reconciliations:start': 'Memulai rekonsiliasi penyaluran',
  'reconciliations:read': 'Melihat hasil rekonsiliasi',
  'audit:read': 'Membaca jejak audit',
  'imports:create': 'Mengunggah ekstrak DTSEN dan daftar pengecualian',
  'imports:read': 'Melihat snapshot DTSEN, hasil impor, dan daftar pengecualian',
  'tahap:manage': 'Membuat tahap dan menjalankan pemeriksaan kelayakan',
  'tahap:read': 'Melihat tahap dan hasil pemeriksaan kelayakan keluarga',
  'verval:manage': 'Menugaskan relawan ke desa',
  'verval:work': 'Mengunduh lembar verval dan mengunggah hasilnya',
  'kpm:compose': 'Menyusun daftar KPM kabupaten/kota dari hasil kelayakan dan verval',
  'families:read': 'Mencari keluarga dan melihat riwayatnya (setiap pembacaan dicatat)',
  'families:audit': 'Melihat siapa saja yang membaca data sebuah keluarga',
  'distribution:read': 'Melihat kartu, rekening, penyaluran tunai dan pangan, serta dasbor',
  'distribution:manage':
    'Membuat berkas cetak kartu, pembukaan rekening dan daftar salur; mengelola status kartu',
  'payments:instruct': 'Menerbitkan instruksi pembayaran ke Bank Kalteng dan mengulang pembayaran yang gagal',
  'cards:handover': 'Mencatat penyerahan kartu kepada keluarga',
  'tahap:close': 'Menutup tahap yang penyalurannya telah selesai',
  'exchange:bank': 'Mengambil berkas untuk Bank Kalteng dan mengirim jawaban bank',
  'exchange:bulog': 'Mengambil daftar salur dan mengirim berita acara serah terima (BAST) dari BULOG',
  'complaints:read': 'Melihat pengaduan',
  'complaints:handle': 'Mencatat, menugaskan, menjawab dan menutup pengaduan',
};

export type Identity =
  | { readonly ok: true; readonly scope: Scope; readonly regionLabel: string | undefined }
  | { readonly ok: false; readonly name: string; readonly problem: string };

type Claims = Record<string, string | number | boolean | string[]>;

export function identityOf(claims: IdClaims): Identity {
  const plain: Claims = {};
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      plain[name] = value;
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      plain[name] = value;
    }
  }
  try {
    const scope = scopeOf(plain);
    const region = scope.regions === 'all' ? undefined : scope.regions[0];
    return {
      ok: true,
      scope,
      regionLabel:
        region === undefined
          ? undefined
          : `${REGIONS.find((entry) => entry.code === region)?.name ?? region} (${region})`,
    };
  } catch (error) {
    const name = typeof plain.name === 'string' ? plain.name : claims.sub;
    return {
      ok: false,
      name,
      problem: error instanceof Error ? error.message : 'Akun ini tidak dapat digunakan.',
    };
  }
}
