import { z } from 'zod';
import { wibDate } from '#shared/domain/decree.ts';
import { isOperatorOnly, requireGroup } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { decreeSummary } from './decree-view.ts';
import { apiDeps } from './deps.ts';

const QuerySchema = z.strictObject({
  year: z.coerce.number().int().min(2020).max(2100).optional(),
});

/**
 * `GET /decrees?year`: the year's decrees in number order (this year, in WIB, by default). An
 * operator sees only their own region's.
 */
export const handler = apiHandler(async ({ event, caller }) => {
  requireGroup(caller, 'operator', 'verifier', 'approver', 'auditor', 'admin');
  const query = parseInput(QuerySchema, event.queryStringParameters ?? {});
  const year = query.year ?? wibDate(new Date()).year;
  const region = isOperatorOnly(caller) ? (caller.region ?? 'none') : undefined;
  const decrees = await apiDeps().decrees.listByYear(year, region);
  return json(200, { year, items: decrees.map(decreeSummary) });
});
