import * as z from 'zod';
import { wibDate } from '#shared/domain/decree.ts';
import { ownRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { queryInt } from '#shared/http/params.ts';
import { decreeSummary } from './decree-view.ts';
import { apiDeps } from './deps.ts';
import { routeById } from './routes.ts';

const QuerySchema = z.strictObject({
  year: queryInt(2020, 2100).optional(),
});

/**
 * `GET /decrees?year`: the year's decrees in number order (this year, in WIB, by default). An
 * operator sees only their own region's.
 */
export const handler = apiHandler(routeById('ListDecrees'), async ({ event, scope }) => {
  const query = parseInput(QuerySchema, event.queryStringParameters ?? {});
  const year = query.year ?? wibDate(new Date()).year;
  const region = ownRegion(scope);
  const decrees = await apiDeps().decrees.listByYear(year, region);
  return json(200, { year, items: decrees.map(decreeSummary) });
});
