import type { FamilyRow } from '#shared/adapters/family-directory-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { SearchFamiliesBodySchema } from '#shared/contract/requests.ts';
import { nameKey } from '#shared/domain/text.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { logger } from '#shared/logger.ts';
import {
  type Appearance,
  type FamilySummary,
  familyDeps,
  familySummary,
  memberCount,
  readRecords,
  SnapshotIndex,
} from './family-lookup.ts';
import { routeById } from './routes.ts';

/** The most families one answer holds (a name search narrower than that is the fix). */
export const MAX_FAMILIES = 50;
/** The most name index entries one name search reads (stale imports' rows included). */
const NAME_BUDGET = 500;

const ROUTE = routeById('SearchFamilies');

/**
 * `POST /families/search` `{nik} | {noKk} | {name, desaCode}`: the families that a READY snapshot
 * holds, found through the lookup indexes (no scan), each with its opaque `familyId`, where it
 * lives, its head, its members and desil, and the snapshots holding it. A regional role finds only
 * its own kabupaten's families (another's are not there). A read (no Idempotency-Key); the
 * families answered are logged, one read log item each, before the answer goes: a read that cannot
 * be logged is not served.
 */
export const handler = apiHandler(ROUTE, async ({ event, scope }) => {
  const body = parseInput(SearchFamiliesBodySchema, jsonBody(event));
  const { directory, snapshots, tableName } = familyDeps();
  const index = new SnapshotIndex(snapshots, scope);

  // The candidate families: No KK → their rows, and which members files they were found through.
  const candidates = new Map<string, { rows: FamilyRow[]; membersImports?: Set<string> }>();
  let more = false;
  let kind: 'nik' | 'noKk' | 'name';
  if (body.nik !== undefined) {
    kind = 'nik';
    const members = await directory.memberRows(body.nik);
    const byKk = new Map<string, Set<string>>();
    for (const member of members) {
      const imports = byKk.get(member.noKk) ?? new Set<string>();
      imports.add(member.importId);
      byKk.set(member.noKk, imports);
    }
    await Promise.all(
      [...byKk].map(async ([noKk, membersImports]) => {
        candidates.set(noKk, { rows: await directory.familyRows(noKk), membersImports });
      }),
    );
  } else if (body.noKk !== undefined) {
    kind = 'noKk';
    candidates.set(body.noKk, { rows: await directory.familyRows(body.noKk) });
  } else {
    kind = 'name';
    const desaCode = body.desaCode ?? '';
    // Another kabupaten's desa holds nothing a regional role may see: not even read.
    if (index.visible(desaCode.slice(0, 5))) {
      const found = await directory.byName(desaCode, nameKey(body.name ?? ''), NAME_BUDGET);
      more = found.more;
      const valid = await index.appearances(found.rows);
      const noKks = [...new Set(valid.map((appearance) => appearance.family.noKk))].sort();
      if (noKks.length > MAX_FAMILIES) more = true;
      await Promise.all(
        noKks.slice(0, MAX_FAMILIES).map(async (noKk) => {
          candidates.set(noKk, { rows: await directory.familyRows(noKk) });
        }),
      );
    }
  }

  const found: { noKk: string; appearances: Appearance[] }[] = [];
  for (const [noKk, { rows, membersImports }] of candidates) {
    const appearances = await index.appearances(rows, membersImports);
    if (appearances.length > 0) found.push({ noKk, appearances });
  }
  found.sort(
    (a, b) =>
      (a.appearances[0]?.family.namaKepalaKeluarga ?? '').localeCompare(
        b.appearances[0]?.family.namaKepalaKeluarga ?? '',
      ) || a.noKk.localeCompare(b.noKk),
  );
  const answered = found.slice(0, MAX_FAMILIES);
  if (found.length > MAX_FAMILIES) more = true;

  const at = new Date().toISOString();
  const [ids, counts] = await Promise.all([
    directory.familyIds(
      answered.map((family) => family.noKk),
      at,
    ),
    Promise.all(
      answered.map(({ noKk, appearances }) =>
        appearances[0] ? memberCount(tableName, appearances[0].snapshot, noKk) : 0,
      ),
    ),
  ]);
  const items: FamilySummary[] = answered.map(({ noKk, appearances }, position) =>
    familySummary(ids.get(noKk) ?? '', noKk, appearances, counts[position] ?? 0, scope),
  );

  // Logged before the answer leaves; a failure here fails the request (nothing is served).
  await directory.logReads(
    readRecords(
      items.map((item) => item.familyId),
      scope,
      ROUTE.id,
      at,
      body.purpose,
    ),
  );
  logger.info('family search', { kind, families: items.length, more });
  return json(200, { items, more } satisfies ResponseBody<'SearchFamilies', 200>);
});
