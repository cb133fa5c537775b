import type { ResponseBody } from '#shared/contract/api.ts';
import { ListReconciliationsQuerySchema } from '#shared/contract/requests.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { reconciliations } from './deps.ts';
import { reconciliationSummary } from './reconciliation-view.ts';
import { routeById } from './routes.ts';

/** `GET /reconciliations?limit`: the newest runs first, with their counts. */
export const handler = apiHandler(routeById('ListReconciliations'), async ({ event }) => {
  const query = parseInput(ListReconciliationsQuerySchema, event.queryStringParameters ?? {});
  const runs = await reconciliations().list(query.limit ?? 20);
  return json(200, { items: runs.map(reconciliationSummary) } satisfies ResponseBody<
    'ListReconciliations',
    200
  >);
});
