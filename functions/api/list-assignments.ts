import type { ResponseBody } from '#shared/contract/api.ts';
import { AssignmentsQuerySchema } from '#shared/contract/requests.ts';
import { BadRequestError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import type { Assignment } from '#shared/model.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';
import { requireDesa, vervalRepo } from './verval-access.ts';

/**
 * `GET /tahap/{tahapId}/relawan?desa`: a desa's relawan (an operator: desa of their region; a
 * relawan: a desa assigned to them); a relawan without `desa` gets every desa assigned to them.
 */
export const handler = apiHandler(routeById('ListAssignments'), async ({ event, scope }) => {
  const tahap = await loadTahap(event);
  const { desa } = parseInput(AssignmentsQuerySchema, event.queryStringParameters ?? {});
  const repo = vervalRepo();
  let items: Assignment[];
  if (desa) {
    await requireDesa(scope, tahap.tahapId, desa);
    items = await repo.ofDesa(tahap.tahapId, desa);
  } else if (scope.role === 'relawan') {
    items = await repo.ofRelawan(tahap.tahapId, scope.sub);
  } else {
    throw new BadRequestError('Sebutkan desa (kode desa, mis. 62.03.01.2001).');
  }
  return json(200, {
    items: items.map(({ assignedBy, ...item }) => ({ ...item, assignedBy: { name: assignedBy.name } })),
  } satisfies ResponseBody<'ListAssignments', 200>);
});
