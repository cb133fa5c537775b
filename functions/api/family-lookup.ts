import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { EligibilityRepository } from '#shared/adapters/eligibility-repo.ts';
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { FamilyDirectoryRepository, type FamilyRow } from '#shared/adapters/family-directory-repo.ts';
import { familyPartition, familyShard } from '#shared/adapters/keys.ts';
import { KpmRepository } from '#shared/adapters/kpm-repo.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { pairOf, SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { VervalRepository } from '#shared/adapters/verval-repo.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { desaName, kecamatanName, regionName } from '#shared/domain/wilayah.ts';
import { actorOf, ownRegion, type Scope } from '#shared/http/caller.ts';
import type { ReadLogRecord, SnapshotRecord, StoredFamily } from '#shared/model.ts';

/**
 * The family search and history (issue #14): which rows of the lookup indexes count, and the
 * family as the API answers it. A row counts only when its import is the families half of a READY
 * snapshot (a replaced half, a refused file or an unfinished pair is stale and ignored), and, for a
 * regional role, only in the caller's own kabupaten: a family elsewhere is not there at all.
 */

export interface FamilyDeps {
  readonly directory: FamilyDirectoryRepository;
  readonly families: FamiliesRepository;
  readonly snapshots: SnapshotsRepository;
  readonly tahap: TahapRepository;
  readonly results: EligibilityRepository;
  readonly verval: VervalRepository;
  readonly kpm: KpmRepository;
  readonly proposals: ProposalsRepository;
  readonly decrees: DecreesRepository;
  readonly tableName: string;
}

let deps: FamilyDeps | undefined;

export function familyDeps(): FamilyDeps {
  if (deps) return deps;
  const { tableName } = env();
  deps = {
    directory: new FamilyDirectoryRepository(tableName),
    families: new FamiliesRepository(tableName),
    snapshots: new SnapshotsRepository(tableName),
    tahap: new TahapRepository(tableName),
    results: new EligibilityRepository(tableName),
    verval: new VervalRepository(tableName),
    kpm: new KpmRepository(tableName),
    proposals: new ProposalsRepository(tableName),
    decrees: new DecreesRepository(tableName),
    tableName,
  };
  return deps;
}

/** A family as one READY snapshot holds it (through the snapshot's current families half). */
export interface Appearance {
  readonly snapshot: SnapshotRecord;
  readonly family: StoredFamily;
}

export type FamilySummary = ResponseBody<'SearchFamilies', 200>['items'][number];

/** The READY snapshots of a region, read once per request. */
export class SnapshotIndex {
  private readonly byRegion = new Map<string, Promise<SnapshotRecord[]>>();

  constructor(
    private readonly snapshots: SnapshotsRepository,
    private readonly scope: Scope,
  ) {}

  /** Whether the caller may see families of this region (a regional role: its own only). */
  visible(region: string): boolean {
    const own = ownRegion(this.scope);
    return own === undefined || own === region;
  }

  ready(region: string): Promise<SnapshotRecord[]> {
    let found = this.byRegion.get(region);
    if (!found) {
      found = this.snapshots
        .list(region, 100)
        .then((list) => list.filter((snapshot) => snapshot.status === 'READY' && pairOf(snapshot)));
      this.byRegion.set(region, found);
    }
    return found;
  }

  /**
   * The rows that count, each with its snapshot, newest version first: a row of an import that is
   * the families half of a READY snapshot the caller may see. `membersImport`, when given, must be
   * that snapshot's members half too (a NIK found in a current members file).
   */
  async appearances(rows: readonly FamilyRow[], membersImports?: ReadonlySet<string>): Promise<Appearance[]> {
    const found: Appearance[] = [];
    for (const row of rows) {
      const region = row.family.desaCode.slice(0, 5);
      if (!this.visible(region)) continue;
      for (const snapshot of await this.ready(region)) {
        if (snapshot.families?.importId !== row.importId) continue;
        if (membersImports && !membersImports.has(snapshot.members?.importId ?? '')) continue;
        found.push({ snapshot, family: row.family });
      }
    }
    return found.sort(
      (a, b) =>
        b.snapshot.versionDate.localeCompare(a.snapshot.versionDate) ||
        a.snapshot.region.localeCompare(b.snapshot.region),
    );
  }
}

/** How many members a snapshot's members half holds for the family (a COUNT Query, no items read). */
export async function memberCount(
  tableName: string,
  snapshot: SnapshotRecord,
  noKk: string,
): Promise<number> {
  const pair = pairOf(snapshot);
  if (!pair) return 0;
  const out = await documentClient.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
      ExpressionAttributeValues: {
        ':pk': familyPartition(pair.members, familyShard(noKk)),
        ':m': `KK#${noKk}#M#`,
      },
      Select: 'COUNT',
    }),
  );
  return out.Count ?? 0;
}

/** No KKs and NIKs as the caller may read them: masked (auditors) or whole. */
export const numberFor = (scope: Scope) => (value: string) =>
  scope.personalData === 'masked' ? maskNik(value) : value;

/** The family as a search answers it, from its appearances (newest first, at least one). */
export function familySummary(
  familyId: string,
  noKk: string,
  appearances: readonly Appearance[],
  members: number,
  scope: Scope,
): FamilySummary {
  const latest = appearances[0];
  if (!latest) throw new Error('familySummary needs an appearance');
  const { family, snapshot } = latest;
  const region = snapshot.region;
  const seen = new Set<string>();
  const snapshots = appearances.flatMap(({ snapshot: s }) => {
    const key = `${s.region}|${s.versionDate}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ region: s.region, versionDate: s.versionDate }];
  });
  const names = {
    regionName: regionName(region),
    kecamatanName: kecamatanName(family.kecamatanCode),
    desaName: desaName(family.desaCode),
  };
  return {
    familyId,
    noKk: numberFor(scope)(noKk),
    region,
    ...(names.regionName ? { regionName: names.regionName } : {}),
    kecamatanCode: family.kecamatanCode,
    ...(names.kecamatanName ? { kecamatanName: names.kecamatanName } : {}),
    desaCode: family.desaCode,
    ...(names.desaName ? { desaName: names.desaName } : {}),
    ...(family.namaKepalaKeluarga ? { namaKepalaKeluarga: family.namaKepalaKeluarga } : {}),
    memberCount: members,
    desil: family.desil,
    snapshots,
  };
}

/** One read log item per family read in this answer: who (from the token), when, through which route. */
export function readRecords(
  familyIds: readonly string[],
  scope: Scope,
  route: string,
  at: string,
  purpose: string | undefined,
): ReadLogRecord[] {
  const who = actorOf(scope);
  return familyIds.map((familyId) => ({
    familyId,
    at,
    who,
    route,
    ...(purpose ? { purpose } : {}),
  }));
}

/** Whole years from a `YYYY-MM-DD` date of birth to `today`; undefined for an unreadable date. */
export function ageOn(birth: string, today: Date): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  let age = today.getUTCFullYear() - year;
  const beforeBirthday =
    today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day);
  if (beforeBirthday) age--;
  return age >= 0 && age < 150 ? age : undefined;
}
