/**
 * One eligibility run of a tahap over the DTSEN snapshots it uses (issue #14), as a pure
 * orchestration of async sources: no AWS here, the caller hands in what the repositories read.
 *
 * Two passes over the snapshots, both streamed:
 * 1. **Keys only** (each family's No KK, each member's No KK and NIK): builds the
 *    programme's compact indexes (`number-index.ts`) — every member's No KK and every family's
 *    kabupaten — in tens of MB for the province.
 * 2. **Families with their members**, one at a time: each judged against those indexes and the
 *    exclusion lists in force (`eligibility.ts`), handed to `record`, and counted per
 *    kabupaten/kecamatan/desa (`EligibilityTally`).
 * Memory is the indexes plus one family, whatever the number of families; the first pass reads keys
 * only, so the run costs about one full read of the snapshots plus a light one.
 */
import { type ExclusionHit, judgeFamily, type Verdict } from './eligibility.ts';
import { NumberIndexBuilder, numberKey } from './number-index.ts';
import { EligibilityTally, programmeView } from './programme-view.ts';
import type { FamilyGroup } from './snapshot-check.ts';

export interface SnapshotSource {
  readonly region: string;
  /** Who is in which family: every family's No KK, and every member's with its NIK (pass 1). */
  keys(): AsyncIterable<{ readonly noKk: string; readonly nik?: string }>;
  /** Every family with its members (pass 2). */
  groups(): AsyncIterable<FamilyGroup>;
}

export interface ExclusionEntryRef {
  /** Position of the entry's list in `lists`. */
  readonly list: number;
  readonly nik?: string;
  readonly noKk?: string;
}

export interface EligibilityRunInput {
  readonly desil: { readonly min: number; readonly max: number };
  readonly snapshots: readonly SnapshotSource[];
  /** The exclusion lists in force (`listsInForce`) and their entries. */
  readonly lists: readonly ExclusionHit[];
  readonly exclusions: AsyncIterable<ExclusionEntryRef>;
  /** Where each family's verdict goes (the results store); awaited, so it can apply back-pressure. */
  record(result: FamilyVerdict): Promise<void>;
}

export interface FamilyVerdict {
  readonly region: string;
  readonly noKk: string;
  readonly kecamatanCode: string;
  readonly desaCode: string;
  readonly desil: number;
  readonly memberCount: number;
  readonly verdict: Verdict;
}

export interface EligibilityRunOutcome {
  readonly tally: EligibilityTally;
  readonly families: number;
  /** Members' groups without a family (the snapshot's cross-check reports them; not judged here). */
  readonly orphanGroups: number;
  /** Bytes of the indexes held in memory. */
  readonly indexBytes: number;
}

const isKey = (digits: string) => /^\d{16}$/.test(digits);

export async function runEligibility(input: EligibilityRunInput): Promise<EligibilityRunOutcome> {
  // Pass 1: the programme's indexes, from keys alone.
  const members = new NumberIndexBuilder();
  const families = new NumberIndexBuilder();
  for (const snapshot of input.snapshots) {
    const region = BigInt(snapshot.region.replace('.', ''));
    for await (const { noKk, nik } of snapshot.keys()) {
      if (!isKey(noKk)) continue;
      if (nik === undefined) families.add(numberKey(noKk), region);
      else if (isKey(nik)) members.add(numberKey(nik), numberKey(noKk));
    }
  }
  const excludedNik = new NumberIndexBuilder();
  const excludedKk = new NumberIndexBuilder();
  for await (const entry of input.exclusions) {
    if (entry.nik !== undefined && isKey(entry.nik))
      excludedNik.add(numberKey(entry.nik), BigInt(entry.list));
    if (entry.noKk !== undefined && isKey(entry.noKk))
      excludedKk.add(numberKey(entry.noKk), BigInt(entry.list));
  }
  const indexes = {
    desil: input.desil,
    members: members.build(),
    families: families.build(),
    excludedNik: excludedNik.build(),
    excludedKk: excludedKk.build(),
    lists: input.lists,
  };
  const view = programmeView(indexes);

  // Pass 2: every family judged, recorded and counted.
  const tally = new EligibilityTally();
  let judged = 0;
  let orphanGroups = 0;
  for (const snapshot of input.snapshots) {
    for await (const group of snapshot.groups()) {
      const { family } = group;
      if (!family) {
        orphanGroups++;
        continue;
      }
      const verdict = judgeFamily(
        {
          noKk: family.noKk,
          region: snapshot.region,
          desil: family.desil,
          kkValid: family.kkValid,
          members: group.members.map((member) => ({
            nik: member.nik,
            nikValid: member.nikValid,
            head: member.hubungan === 'KEPALA_KELUARGA',
            hubungan: member.hubungan,
          })),
        },
        view,
      );
      const place = {
        region: snapshot.region,
        kecamatanCode: family.kecamatanCode,
        desaCode: family.desaCode,
      };
      tally.add(place, verdict);
      await input.record({
        ...place,
        noKk: family.noKk,
        desil: family.desil,
        memberCount: group.members.length,
        verdict,
      });
      judged++;
    }
  }
  return {
    tally,
    families: judged,
    orphanGroups,
    indexBytes:
      indexes.members.bytes + indexes.families.bytes + indexes.excludedNik.bytes + indexes.excludedKk.bytes,
  };
}
