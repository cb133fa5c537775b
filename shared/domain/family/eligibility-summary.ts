/**
 * What an eligibility run leaves behind besides its verdicts (issue #14): the counts of one
 * kabupaten, its kecamatan and its desa, as one stored record per kabupaten (what
 * `GET /tahap/{id}/summary?region&kecamatan` answers from), and the rules for starting a run.
 * Pure: no AWS, no I/O. Messages for people in Bahasa Indonesia.
 */
import type { Counts, EligibilityTally } from './programme-view.ts';
import { type Refusal, TAHAP_STATUS_LABEL, type TahapStatus } from './tahap.ts';

export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Where a kabupaten with a quota stands: how many families are in, how many wait as cadangan. */
export interface QuotaCounts {
  readonly quota: number;
  readonly selected: number;
  readonly reserve: number;
}

/**
 * One kabupaten's counts: its own, each of its kecamatan's and each of its desa's (~200 desa at
 * most, so a few tens of KB: one DynamoDB item).
 */
export interface RegionSummary {
  readonly region: string;
  readonly counts: Counts;
  readonly kecamatan: Readonly<Record<string, Counts>>;
  readonly desa: Readonly<Record<string, Counts>>;
  readonly quota?: QuotaCounts;
}

/**
 * The tally's counts of one kabupaten, split by level. The tally keys places by their Kemendagri
 * code, so a place's level is its number of parts (`62.03`, `62.03.01`, `62.03.01.2001`) and its
 * kabupaten is its prefix.
 */
export function regionSummary(tally: EligibilityTally, region: string, quota?: QuotaCounts): RegionSummary {
  const kecamatan: Record<string, Counts> = {};
  const desa: Record<string, Counts> = {};
  for (const [place, counts] of tally.byPlace) {
    if (!place.startsWith(`${region}.`)) continue;
    const parts = place.split('.').length;
    if (parts === 3) kecamatan[place] = counts;
    else if (parts === 4) desa[place] = counts;
  }
  return { region, counts: tally.of(region), kecamatan, desa, ...(quota ? { quota } : {}) };
}

/**
 * Whether a tahap may start a new eligibility run: only while its lists are still being made
 * (DRAFT, VERVAL), and not while a run is waiting or running (a second one would race it). A run
 * that completed or failed may be followed by another. The repository's write repeats these
 * conditions atomically; this says why, for the person who asked.
 */
/**
 * A run asked for longer ago than this and still QUEUED or RUNNING was abandoned: the worker's
 * Lambda stops at 15 minutes and its message retries within minutes, so a run this old died with its
 * last retry (in the DLQ). Another may then be asked for; the old one's late writes are fenced off
 * by its run id.
 */
export const ABANDONED_RUN_MINUTES = 60;

/** The request time before which a QUEUED or RUNNING run counts as abandoned, at `now`. */
export const abandonedBefore = (now: Date): string =>
  new Date(now.getTime() - ABANDONED_RUN_MINUTES * 60_000).toISOString();

export function mayRequestEligibility(
  status: TahapStatus,
  run: { readonly status: RunStatus; readonly requestedAt?: string } | undefined,
  now: Date = new Date(),
): { readonly ok: true } | Refusal {
  if (status !== 'DRAFT' && status !== 'VERVAL') {
    return {
      ok: false,
      reason: 'TAHAP_STATUS',
      message: `Tahap berstatus ${TAHAP_STATUS_LABEL[status]}: pemeriksaan kelayakan tidak dapat dijalankan lagi.`,
    };
  }
  const abandoned = run?.requestedAt !== undefined && run.requestedAt < abandonedBefore(now);
  if (run && (run.status === 'QUEUED' || run.status === 'RUNNING') && !abandoned) {
    return {
      ok: false,
      reason: 'RUN_IN_PROGRESS',
      message: 'Pemeriksaan kelayakan tahap ini sedang antre atau berjalan. Tunggu hingga selesai.',
    };
  }
  return { ok: true };
}
