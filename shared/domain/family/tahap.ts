/**
 * A tahap: one distribution round of KHBS (issue #14, families.md "Objects"). What it pays (its
 * components and amounts), to whom (the desil range, the DTSEN snapshot of each kabupaten, the
 * quotas), and where it stands. The calendar and the amounts are configuration of each tahap,
 * never code: the public reports disagree on how often and how much.
 *
 * Pure: no AWS, no I/O. Messages for people in Bahasa Indonesia.
 */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema.ts';
import { isRegionCode } from '../regions.ts';
import { FoodPackageSchema } from './food.ts';

export const TAHAP_STATUSES = [
  'DRAFT',
  'VERVAL',
  'PENGAJUAN',
  'DITETAPKAN',
  'PENYALURAN',
  'SELESAI',
  'DIBATALKAN',
] as const;
export type TahapStatus = (typeof TAHAP_STATUSES)[number];

export const TAHAP_STATUS_LABEL: Readonly<Record<TahapStatus, string>> = {
  DRAFT: 'draf',
  VERVAL: 'verifikasi dan validasi lapangan',
  PENGAJUAN: 'pengajuan daftar KPM',
  DITETAPKAN: 'ditetapkan dengan SK',
  PENYALURAN: 'penyaluran',
  SELESAI: 'selesai',
  DIBATALKAN: 'dibatalkan',
};

/** Where a tahap may go from each status. */
const NEXT: Readonly<Record<TahapStatus, readonly TahapStatus[]>> = {
  DRAFT: ['VERVAL', 'DIBATALKAN'],
  VERVAL: ['PENGAJUAN', 'DIBATALKAN'],
  PENGAJUAN: ['DITETAPKAN', 'DIBATALKAN'],
  DITETAPKAN: ['PENYALURAN'],
  PENYALURAN: ['SELESAI'],
  SELESAI: [],
  DIBATALKAN: [],
};

export const COMPONENTS = ['TUNAI', 'PANGAN'] as const;
export type Component = (typeof COMPONENTS)[number];

export const COMPONENT_LABEL: Readonly<Record<Component, string>> = {
  TUNAI: 'Bantuan tunai (rekening Bank Kalteng)',
  PANGAN: 'Bantuan pangan (Perum BULOG)',
};

const VERSION_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What the province enters to create a tahap (`POST /tahap`). */
export const TahapInputSchema = /* @__PURE__ */ lazySchema(() =>
  z
    .strictObject({
      year: z.number().int().min(2026).max(2100),
      number: z.number().int().min(1).max(12),
      /** Whole Rupiah per family per component, e.g. `{ TUNAI: 250000, PANGAN: 150000 }`. */
      components: z
        .partialRecord(z.enum(COMPONENTS), z.number().int().min(1_000).max(10_000_000))
        .refine(
          (components) => Object.keys(components).length > 0,
          'Tahap harus memuat minimal satu komponen bantuan.',
        ),
      desil: z
        .strictObject({ min: z.number().int().min(1).max(10), max: z.number().int().min(1).max(10) })
        .refine(
          (range) => range.min <= range.max,
          'Rentang desil terbalik: desil terendah harus ≤ desil tertinggi.',
        ),
      /** The DTSEN snapshot (its version date) each kabupaten takes part with. */
      snapshots: z
        .record(
          z.string(),
          z.string().regex(VERSION_DATE, 'Versi snapshot ditulis sebagai tanggal YYYY-MM-DD.'),
        )
        .refine(
          (snapshots) => Object.keys(snapshots).every(isRegionCode),
          'Kode kabupaten/kota tidak dikenal.',
        )
        .refine(
          (snapshots) => Object.keys(snapshots).length > 0,
          'Pilih snapshot DTSEN minimal satu kabupaten/kota.',
        ),
      /** Families per kabupaten at most; a kabupaten without a quota takes every eligible family. */
      quotas: z
        .record(z.string(), z.number().int().min(1).max(300_000))
        .refine((quotas) => Object.keys(quotas).every(isRegionCode), 'Kode kabupaten/kota tidak dikenal.')
        .optional(),
      /**
       * The PANGAN package of this tahap (items, and the price BULOG invoices per package
       * delivered); absent: the default package at the tahap's PANGAN amount (`foodPackageOf`).
       */
      foodPackage: FoodPackageSchema.optional(),
    })
    .refine((input) => Object.keys(input.quotas ?? {}).every((region) => region in input.snapshots), {
      path: ['quotas'],
      message: 'Kuota hanya untuk kabupaten/kota yang ikut tahap ini (yang memiliki snapshot).',
    }),
);
export type TahapInput = z.infer<typeof TahapInputSchema>;

/** `2026-1`: a tahap's id, from its year and number (one tahap per number per year). */
export const tahapId = (input: Pick<TahapInput, 'year' | 'number'>): string =>
  `${input.year}-${input.number}`;

export const tahapLabel = (input: Pick<TahapInput, 'year' | 'number'>): string =>
  `Tahap ${input.number} Tahun ${input.year}`;

export type Refusal = { readonly ok: false; readonly reason: string; readonly message: string };

/** Whether a tahap may move from `from` to `to`, and why not. */
export function planTransition(from: TahapStatus, to: TahapStatus): { readonly ok: true } | Refusal {
  if (NEXT[from].includes(to)) return { ok: true };
  return {
    ok: false,
    reason: 'TAHAP_TRANSITION',
    message: `Tahap berstatus ${TAHAP_STATUS_LABEL[from]} tidak dapat diubah menjadi ${TAHAP_STATUS_LABEL[to]}.`,
  };
}

/**
 * Whether a kabupaten's snapshot may still be replaced in the tahap. Only while nothing rests on
 * it: before the KPM lists are proposed (DRAFT, VERVAL) and while the kabupaten has no KPM proposal
 * of its own. After that the families proposed, verified and decreed are those of the snapshot
 * they were proposed from, whatever is imported later.
 */
export function mayChangeSnapshot(
  status: TahapStatus,
  regionHasProposal: boolean,
): { readonly ok: true } | Refusal {
  if ((status === 'DRAFT' || status === 'VERVAL') && !regionHasProposal) return { ok: true };
  return {
    ok: false,
    reason: 'SNAPSHOT_FROZEN',
    message: regionHasProposal
      ? 'Daftar KPM kabupaten/kota ini sudah diajukan dari snapshot yang dipakai; snapshot tidak dapat diganti lagi pada tahap ini.'
      : `Tahap berstatus ${TAHAP_STATUS_LABEL[status]}: snapshot tidak dapat diganti lagi.`,
  };
}

/** What one family is entitled to in the tahap, per component (the decree's lampiran, the payments). */
export function entitlements(
  components: TahapInput['components'],
): readonly { component: Component; amount: number }[] {
  return COMPONENTS.flatMap((component) => {
    const amount = components[component];
    return amount === undefined ? [] : [{ component, amount }];
  });
}
