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
 * The statuses a tahap may have when its first kabupaten's distribution opens. The decree of each
 * kabupaten is its own (one KPM proposal and SK per kabupaten), so no step moves the whole tahap
 * through VERVAL, PENGAJUAN and DITETAPKAN: the first distribution that opens takes it from wherever
 * it stands before PENYALURAN to PENYALURAN. A closed or cancelled tahap is never reopened.
 */
export const BEFORE_DISTRIBUTION: readonly TahapStatus[] = ['DRAFT', 'VERVAL', 'PENGAJUAN', 'DITETAPKAN'];

/** Whether opening a distribution moves the tahap to PENYALURAN (false: it is there or past it). */
export const startsDistribution = (status: TahapStatus): boolean => BEFORE_DISTRIBUTION.includes(status);

/**
 * Whether a tahap still takes new distribution work (a payment instruction or follow-up, an
 * account-opening request, a food list): not once it is SELESAI (its money view is final) or
 * DIBATALKAN.
 */
export function acceptsDistributionWork(status: TahapStatus): { readonly ok: true } | Refusal {
  if (status !== 'SELESAI' && status !== 'DIBATALKAN') return { ok: true };
  return {
    ok: false,
    reason: 'TAHAP_CLOSED',
    message: `Tahap ini sudah ${TAHAP_STATUS_LABEL[status]}: tidak ada lagi instruksi pembayaran, pengajuan rekening, atau daftar salur yang dapat dibuat.`,
  };
}

/** What still stands open in one kabupaten when a person asks to close the tahap. */
export interface OpenWork {
  readonly region: string;
  /** The distribution is still being opened (cards and entitlements being written). */
  readonly opening: boolean;
  /** TUNAI entitlements on an instruction file the bank has not answered (DIKIRIM, DIULANG). */
  readonly cashAwaitingBank: number;
  /** PANGAN entitlements on a distribution list BULOG has not answered with a BAST (DIKIRIM, DIULANG). */
  readonly foodAwaitingBast: number;
}

/**
 * Whether a tahap may be closed (SELESAI): only from PENYALURAN, and only when nothing is in flight,
 * i.e. no kabupaten's distribution is still opening, no cash sits at the bank without its answer and
 * no food package is out with BULOG without its BAST. Once closed the KPM cash reconciliation no
 * longer runs for the tahap, so an answer arriving later would never be counted: the close waits for
 * the answers (or for a person to settle them), it never overrides them.
 *
 * What does not hold a close: entitlements never instructed (waiting for an account: their money
 * never left the RKUD) and failed or returned ones awaiting a follow-up (GAGAL), which the close gives
 * up: the BKAD money view then counts every GAGAL one in the balance to return to the RKUD.
 */
export function planClose(
  status: TahapStatus,
  open: readonly OpenWork[],
): { readonly ok: true } | (Refusal & { readonly regions?: readonly OpenWork[] }) {
  const transition = planTransition(status, 'SELESAI');
  if (!transition.ok) return transition;
  const blocking = open.filter(
    (work) => work.opening || work.cashAwaitingBank > 0 || work.foodAwaitingBast > 0,
  );
  if (blocking.length === 0) return { ok: true };
  const parts = blocking.map((work) => {
    const what = [
      ...(work.opening ? ['penyaluran masih dibuka'] : []),
      ...(work.cashAwaitingBank > 0
        ? [`${work.cashAwaitingBank} pembayaran tunai menunggu laporan bank`]
        : []),
      ...(work.foodAwaitingBast > 0 ? [`${work.foodAwaitingBast} paket pangan menunggu BAST BULOG`] : []),
    ];
    return `${work.region}: ${what.join(', ')}`;
  });
  return {
    ok: false,
    reason: 'DISTRIBUTION_IN_FLIGHT',
    message: `Tahap belum dapat ditutup karena penyaluran masih berjalan (${parts.join('; ')}). Tunggu jawaban bank dan BULOG lalu jalankan rekonsiliasi, kemudian tutup kembali.`,
    regions: blocking,
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
