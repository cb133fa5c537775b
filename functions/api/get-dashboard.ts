import type { ResponseBody } from '#shared/contract/api.ts';
import { DashboardQuerySchema } from '#shared/contract/distribution.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { loadDashboard } from './dashboard-view.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `GET /tahap/{tahapId}/dashboard?region&level`: the tahap's counters per kabupaten, kecamatan or
 * desa (`dashboard-view.ts`), with totals. Counts only: no family is named.
 */
export const handler = apiHandler(routeById('GetDashboard'), async ({ event, scope }) => {
  const query = parseInput(DashboardQuerySchema, event.queryStringParameters ?? {});
  const tahap = await loadTahap(event);
  const answer = await loadDashboard(scope, tahap.tahapId, query);
  return json(200, {
    tahapId: tahap.tahapId,
    ...(answer.region ? { region: answer.region } : {}),
    level: answer.level,
    rows: answer.rows,
    totals: answer.totals,
    asOf: answer.asOf,
  } satisfies ResponseBody<'GetDashboard', 200>);
});
