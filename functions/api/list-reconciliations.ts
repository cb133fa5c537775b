import { z } from 'zod';
import { requireGroup } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { reconciliations } from './deps.ts';
import { reconciliationSummary } from './reconciliation-view.ts';

const QuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional() });

/** `GET /reconciliations?limit`: the newest runs first, with their counts. */
export const handler = apiHandler(async ({ event, caller }) => {
  requireGroup(caller, 'verifier', 'approver', 'auditor', 'admin');
  const query = parseInput(QuerySchema, event.queryStringParameters ?? {});
  const runs = await reconciliations().list(query.limit ?? 20);
  return json(200, { items: runs.map(reconciliationSummary) });
});
