import type { ResponseBody } from '#shared/contract/api.ts';
import { FamilyParamsSchema, FamilyReadsQuerySchema } from '#shared/contract/requests.ts';
import { NotFoundError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { familyDeps } from './family-lookup.ts';
import { routeById } from './routes.ts';

/**
 * `GET /families/{familyId}/reads?cursor&limit`: who read the family's data (the read log, UU PDP),
 * newest first, a page at a time (auditors and admins). The cursor names a read of this family
 * only: the family comes from the path, never from the cursor.
 */
export const handler = apiHandler(routeById('ListFamilyReads'), async ({ event }) => {
  const { familyId } = parseInput(FamilyParamsSchema, event.pathParameters ?? {});
  const query = parseInput(FamilyReadsQuerySchema, event.queryStringParameters ?? {});
  const { directory } = familyDeps();
  if (!(await directory.noKkOf(familyId))) throw new NotFoundError('Keluarga tidak ditemukan.');
  const page = await directory.reads(familyId, {
    ...(query.cursor ? { cursor: query.cursor } : {}),
    limit: query.limit ?? 50,
  });
  return json(200, {
    items: page.items.map(({ familyId: _f, ...read }) => read),
    ...(page.cursor ? { nextCursor: page.cursor } : {}),
  } satisfies ResponseBody<'ListFamilyReads', 200>);
});
