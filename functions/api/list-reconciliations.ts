import * as z from 'zod';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { queryInt } from '#shared/http/params.ts';
import { reconciliations } from './deps.ts';
import { reconciliationSummary } from './reconciliation-view.ts';
import { routeById } from './routes.ts';

const QuerySchema = z.strictObject({ limit: queryInt(1, 100).optional() });

/** `GET /reconciliations?limit`: the newest runs first, with their counts. */
export const handler = apiHandler(routeById('ListReconciliations'), async ({ event }) => {
  const query = parseInput(QuerySchema, event.queryStringParameters ?? {});
  const runs = await reconciliations().list(query.limit ?? 20);
  return json(200, { items: runs.map(reconciliationSummary) });
});
