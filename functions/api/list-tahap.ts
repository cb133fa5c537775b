import type { ResponseBody } from '#shared/contract/api.ts';
import { apiHandler, json } from '#shared/http/http-handler.ts';
import { tahapRoutes } from './deps.ts';
import { routeById } from './routes.ts';
import { tahapView } from './tahap-view.ts';

/** `GET /tahap`: every tahap, newest first. */
export const handler = apiHandler(routeById('ListTahap'), async ({ scope }) => {
  const items = await tahapRoutes().tahap.list();
  return json(200, { items: items.map((tahap) => tahapView(tahap, scope)) } satisfies ResponseBody<
    'ListTahap',
    200
  >);
});
