import type { ResponseBody } from '#shared/contract/api.ts';
import { apiHandler, json } from '#shared/http/http-handler.ts';
import { decreeDetail, loadDecree } from './decree-view.ts';
import { routeById } from './routes.ts';

/** `GET /decrees/{decreeId}`: number, date, status, totals, SHA-256 and a presigned PDF link. */
export const handler = apiHandler(routeById('GetDecree'), async ({ event, scope }) => {
  return json(
    200,
    (await decreeDetail(await loadDecree(event, scope))) satisfies ResponseBody<'GetDecree', 200>,
  );
});
