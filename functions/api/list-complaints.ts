import type { ResponseBody } from '#shared/contract/api.ts';
import { ListComplaintsQuerySchema } from '#shared/contract/requests.ts';
import { wibDate } from '#shared/domain/complaints.ts';
import { ownRegion, requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { complaintDeps, summaryView } from './complaint-view.ts';
import { routeById } from './routes.ts';

/**
 * `GET /complaints?region&status&category&desa&overdue&cursor&limit`: a queue, newest first. An
 * operator reads their own kabupaten's queue only (another's, or the province's `PROVINSI`, is a
 * 403), so never a PUNGLI complaint; the province's roles read one queue or every queue.
 */
export const handler = apiHandler(routeById('ListComplaints'), async ({ event, scope }) => {
  const query = parseInput(ListComplaintsQuerySchema, event.queryStringParameters ?? {});
  const own = ownRegion(scope);
  if (own !== undefined && query.region !== undefined) requireRegion(scope, query.region);
  const unit = own ?? query.region;
  const now = new Date();
  const page = await complaintDeps().complaints.list({
    ...(unit !== undefined ? { unit } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.category ? { category: query.category } : {}),
    ...(query.desa ? { desaCode: query.desa } : {}),
    ...(query.overdue === 'true' ? { overdueOn: wibDate(now) } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
    limit: query.limit,
  });
  return json(200, {
    items: page.items.map((record) => summaryView(record, now)),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  } satisfies ResponseBody<'ListComplaints', 200>);
});
