/**
 * Which families of a kabupaten make its KPM list (keluarga penerima manfaat) for a tahap: the
 * eligibility verdicts read together with the verval. Pure: no AWS, no I/O.
 *
 * 1. A family the eligibility run selected (ELIGIBLE, within the quota) is on the list when the
 *    relawan found it LAYAK (or its head died and an adult member takes over: `inTahap`).
 * 2. A family excluded only for a reason the visit settles (a member shared with another family, the
 *    KK in two kabupaten) is on it when the visit says it stays: the relawan found it where it
 *    lives. If both kabupaten say so, the KPM checks flag it on both lists.
 * 3. Where the kabupaten has a quota, the places that step 1 left (selected families that dropped
 *    out at the visit, or were never visited) go first to the families of step 2, then to the
 *    reserve list (cadangan) in rank order: each drawn family needs its own LAYAK visit, whose
 *    berita acara is the Musdes that confirmed the replacement.
 * A family without a visit is never on the list: the verval is what the decree rests on.
 */
import { isClosed, isEditable, type ProposalStatus, STATUS_LABEL } from '../proposal.ts';
import type { ExclusionReason } from './eligibility.ts';
import { needsVisit, type VervalResult } from './verval.ts';

/**
 * Why a kabupaten's KPM list may not be composed again, given its proposal's status: only when
 * there is none, a draft, or a closed one (the next revision) may a new list go in. Undefined when
 * it may. The API refuses early with it, and the job checks it again before it writes.
 */
export function recomposeRefusal(status: ProposalStatus | undefined): string | undefined {
  if (status === undefined || isEditable(status) || isClosed(status)) return undefined;
  return `Daftar KPM kabupaten/kota ini berstatus "${STATUS_LABEL[status]}"; daftar tidak dapat disusun ulang.`;
}

/** The `peran` of a KPM list's row: the family's penerima. */
export const KPM_PERAN = 'KPM' as const;

/** A verdict as the composition reads it. */
export interface KpmVerdict {
  readonly noKk: string;
  readonly status: 'ELIGIBLE' | 'EXCLUDED';
  readonly reasons: readonly { readonly reason: ExclusionReason }[];
  readonly desil: number;
  readonly rank?: number | undefined;
  readonly reserve?: boolean | undefined;
}

/** A verval result as the composition reads it. */
export interface KpmVisit {
  readonly result: VervalResult;
  readonly inTahap: boolean;
  readonly penerimaNik?: string | undefined;
}

export interface KpmPick {
  readonly noKk: string;
  readonly penerimaNik: string;
  /** Drawn from the reserve list into a place a selected family left. */
  readonly replacement: boolean;
}

/** What the composition did, for the operator before they submit the list. */
export interface KpmCounts {
  /** Families on the list. */
  readonly listed: number;
  /** Selected families (within the quota) on the list. */
  readonly selected: number;
  /** Families excluded pending the visit, on the list because the visit settled it. */
  readonly settled: number;
  /** Reserve families drawn into places selected families left. */
  readonly replacements: number;
  /** Selected families, and families excluded pending the visit, not visited yet (the reserve is visited only when drawn). */
  readonly notVisited: number;
  /** Visited families the visit took out, by result. */
  readonly droppedByResult: Partial<Record<VervalResult, number>>;
  /** Families the visit kept in that found no place within the quota. */
  readonly beyondQuota: number;
}

export interface KpmSelection {
  /** In list order: selected, then settled, then drawn replacements. */
  readonly picks: readonly KpmPick[];
  readonly counts: KpmCounts;
}

/** The kabupaten's KPM list from its verdicts and visits (`quota`: places at most, if any). */
export function selectKpm(
  verdicts: Iterable<KpmVerdict>,
  visits: ReadonlyMap<string, KpmVisit>,
  quota: number | undefined,
): KpmSelection {
  const selected: KpmVerdict[] = [];
  const settled: KpmVerdict[] = [];
  const reserve: KpmVerdict[] = [];
  for (const verdict of verdicts) {
    if (verdict.status === 'ELIGIBLE') (verdict.reserve ? reserve : selected).push(verdict);
    else if (needsVisit(verdict)) settled.push(verdict);
  }
  const byRank = (a: KpmVerdict, b: KpmVerdict) =>
    (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) || compare(a.noKk, b.noKk);
  selected.sort(byRank);
  reserve.sort(byRank);
  // No rank for these (they were not eligible when ranked): the poorer first, then by No KK.
  settled.sort((a, b) => a.desil - b.desil || compare(a.noKk, b.noKk));

  const picks: KpmPick[] = [];
  const dropped: Partial<Record<VervalResult, number>> = {};
  let notVisited = 0;
  let beyondQuota = 0;
  /** The visit's verdict on one family: kept in (with its penerima), or counted out. */
  const kept = (verdict: KpmVerdict, awaited: boolean): { penerimaNik: string } | undefined => {
    const visit = visits.get(verdict.noKk);
    if (!visit) {
      if (awaited) notVisited++;
      return undefined;
    }
    if (!visit.inTahap || !visit.penerimaNik) {
      dropped[visit.result] = (dropped[visit.result] ?? 0) + 1;
      return undefined;
    }
    return { penerimaNik: visit.penerimaNik };
  };

  for (const verdict of selected) {
    const visit = kept(verdict, true);
    if (visit) picks.push({ noKk: verdict.noKk, penerimaNik: visit.penerimaNik, replacement: false });
  }
  const fromSelected = picks.length;
  let places = quota === undefined ? Number.POSITIVE_INFINITY : Math.max(0, quota - fromSelected);
  let fromSettled = 0;
  let replacements = 0;
  for (const [pool, replacement] of [
    [settled, false],
    [reserve, true],
  ] as const) {
    for (const verdict of pool) {
      const visit = kept(verdict, !replacement);
      if (!visit) continue;
      if (places <= 0) {
        beyondQuota++;
        continue;
      }
      places--;
      picks.push({ noKk: verdict.noKk, penerimaNik: visit.penerimaNik, replacement });
      if (replacement) replacements++;
      else fromSettled++;
    }
  }
  return {
    picks,
    counts: {
      listed: picks.length,
      selected: fromSelected,
      settled: fromSettled,
      replacements,
      notVisited,
      droppedByResult: dropped,
      beyondQuota,
    },
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
