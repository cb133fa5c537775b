/**
 * What an eligibility run knows of the whole programme, built from compact indexes
 * (`number-index.ts`) rather than from every member read again: the tahap's snapshots (NIK → No KK,
 * No KK → kabupaten) and the exclusion lists in force (NIK or No KK → list). It answers the
 * questions of {@link judgeFamily} for one family at a time, in memory: tens of MB for the province.
 *
 * And the tally a run keeps while it judges: counts per kabupaten, kecamatan and desa, by status and
 * by reason, for the summary screens and `GET /tahap/{id}/summary`. Pure: no AWS, no I/O.
 */
import type { ExclusionHit, ExclusionReason, ProgrammeView, Verdict } from './eligibility.ts';
import { keyDigits, type NumberIndex, numberKey } from './number-index.ts';

const isKey = (digits: string) => /^\d{16}$/.test(digits);

/** `62.03` ↔ 6203n: a kabupaten as an index value. */
const regionValue = (region: string): bigint => BigInt(region.replace('.', ''));
const regionOfValue = (value: bigint): string => {
  const digits = value.toString();
  return `${digits.slice(0, 2)}.${digits.slice(2)}`;
};

export interface ProgrammeIndexes {
  readonly desil: { readonly min: number; readonly max: number };
  /** Every member of the tahap's snapshots: NIK → No KK. */
  readonly members: NumberIndex;
  /** Every family of the tahap's snapshots: No KK → kabupaten (6203 for 62.03). */
  readonly families: NumberIndex;
  /** Exclusion entries in force: NIK → position in `lists`, No KK → position in `lists`. */
  readonly excludedNik: NumberIndex;
  readonly excludedKk: NumberIndex;
  readonly lists: readonly ExclusionHit[];
}

export function programmeView(indexes: ProgrammeIndexes): ProgrammeView {
  const listsOf = (index: NumberIndex, digits: string): ExclusionHit[] => {
    if (!isKey(digits)) return [];
    const hits: ExclusionHit[] = [];
    for (const position of index.valuesOf(numberKey(digits))) {
      const list = indexes.lists[Number(position)];
      if (list) hits.push(list);
    }
    return hits;
  };
  return {
    desil: indexes.desil,
    exclusionsOfKk: (noKk) => listsOf(indexes.excludedKk, noKk),
    exclusionsOfNik: (nik) => listsOf(indexes.excludedNik, nik),
    otherFamiliesOf(nik, noKk) {
      if (!isKey(nik)) return [];
      return indexes.members
        .valuesOf(numberKey(nik))
        .map(keyDigits)
        .filter((other) => other !== noKk);
    },
    otherRegionsOf(noKk, region) {
      if (!isKey(noKk)) return [];
      const own = regionValue(region);
      return indexes.families
        .valuesOf(numberKey(noKk))
        .filter((value) => value !== own)
        .map(regionOfValue);
    },
  };
}

/** The place of a family, as the tally counts it. */
export interface FamilyPlace {
  readonly region: string;
  readonly kecamatanCode: string;
  readonly desaCode: string;
}

export interface Counts {
  families: number;
  eligible: number;
  excluded: number;
  /** Families excluded for each reason (a family with two reasons counts under both). */
  readonly byReason: Partial<Record<ExclusionReason, number>>;
}

const emptyCounts = (): Counts => ({ families: 0, eligible: 0, excluded: 0, byReason: {} });

/**
 * Counts per kabupaten, kecamatan and desa, kept while a run judges: about 1,600 desa in the
 * province, so the tally is small whatever the number of families. Tallies of shards (a fan-out)
 * add up with {@link EligibilityTally.merge}.
 */
export class EligibilityTally {
  readonly byPlace = new Map<string, Counts>();

  add(place: FamilyPlace, verdict: Verdict): void {
    for (const key of [place.region, place.kecamatanCode, place.desaCode]) {
      let counts = this.byPlace.get(key);
      if (!counts) {
        counts = emptyCounts();
        this.byPlace.set(key, counts);
      }
      counts.families++;
      if (verdict.status === 'ELIGIBLE') counts.eligible++;
      else {
        counts.excluded++;
        for (const reason of new Set(verdict.reasons.map((detail) => detail.reason))) {
          counts.byReason[reason] = (counts.byReason[reason] ?? 0) + 1;
        }
      }
    }
  }

  merge(other: EligibilityTally): void {
    for (const [key, theirs] of other.byPlace) {
      const ours = this.byPlace.get(key) ?? emptyCounts();
      ours.families += theirs.families;
      ours.eligible += theirs.eligible;
      ours.excluded += theirs.excluded;
      for (const [reason, count] of Object.entries(theirs.byReason) as [ExclusionReason, number][]) {
        ours.byReason[reason] = (ours.byReason[reason] ?? 0) + count;
      }
      this.byPlace.set(key, ours);
    }
  }

  /** The counts of a kabupaten (`62.03`), kecamatan (`62.03.01`) or desa (`62.03.01.2001`). */
  of(place: string): Counts {
    return this.byPlace.get(place) ?? emptyCounts();
  }
}
