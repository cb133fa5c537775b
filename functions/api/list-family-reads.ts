import { desaReadLogPartition, fileReadLogPartition, listReadLogPartition } from '#shared/adapters/keys.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { FamilyParamsSchema, FamilyReadsQuerySchema } from '#shared/contract/requests.ts';
import { NotFoundError } from '#shared/errors.ts';
import type { Scope } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { familyDeps, SnapshotIndex } from './family-lookup.ts';
import { routeById } from './routes.ts';

/** The bulk reads an answer lists at most (newest first). */
const COVERING_LIMIT = 100;

/**
 * `GET /families/{familyId}/reads?cursor&limit`: who read the family's data (the read log, UU PDP),
 * newest first, a page at a time (auditors and admins). The cursor names a read of this family
 * only: the family comes from the path, never from the cursor. `covering` adds the newest bulk
 * reads that showed the family among others (a desa's sheet or pages in a tahap, a KPM list's pages).
 */
export const handler = apiHandler(routeById('ListFamilyReads'), async ({ event, scope }) => {
  const { familyId } = parseInput(FamilyParamsSchema, event.pathParameters ?? {});
  const query = parseInput(FamilyReadsQuerySchema, event.queryStringParameters ?? {});
  const { directory } = familyDeps();
  const noKk = await directory.noKkOf(familyId);
  if (!noKk) throw new NotFoundError('Keluarga tidak ditemukan.');
  const [page, covering] = await Promise.all([
    directory.reads(familyId, {
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: query.limit ?? 50,
    }),
    coveringReads(noKk, scope),
  ]);
  return json(200, {
    items: page.items.map(({ familyId: _f, ...read }) => read),
    ...(page.cursor ? { nextCursor: page.cursor } : {}),
    covering,
  } satisfies ResponseBody<'ListFamilyReads', 200>);
});

/**
 * The bulk reads that covered the family: the desa reads of each tahap whose snapshot holds it (in
 * the desa that snapshot puts it), and the reads of each KPM list that holds it (its placements).
 */
async function coveringReads(noKk: string, scope: Scope) {
  const { directory, snapshots, tahap, kpm } = familyDeps();
  const [appearances, allTahap, placements] = await Promise.all([
    directory.familyRows(noKk).then((rows) => new SnapshotIndex(snapshots, scope).appearances(rows)),
    tahap.list(),
    kpm.placementsOf(noKk),
  ]);
  const partitions: string[] = [];
  for (const record of allTahap) {
    for (const { snapshot, family } of appearances) {
      if (record.snapshots[snapshot.region] === snapshot.versionDate) {
        partitions.push(desaReadLogPartition(record.tahapId, family.desaCode));
      }
    }
  }
  for (const placement of placements) partitions.push(listReadLogPartition(placement.listId));
  // Files made for the printer, the bank and BULOG from the kabupaten of each KPM list that held it.
  for (const region of new Set(placements.map((placement) => placement.region))) {
    partitions.push(fileReadLogPartition(region));
  }
  return directory.bulkReads(partitions, COVERING_LIMIT);
}
