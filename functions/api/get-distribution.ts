import type { ResponseBody } from '#shared/contract/api.ts';
import { ownRegion } from '#shared/http/caller.ts';
import { apiHandler, json } from '#shared/http/http-handler.ts';
import { distributionRoutes } from './deps.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `GET /tahap/{tahapId}/distribution`: each kabupaten's distribution in the tahap (the decree that
 * opened it, its families, entitlements per component and cards); a regional role sees its own.
 */
export const handler = apiHandler(routeById('GetDistribution'), async ({ event, scope }) => {
  const tahap = await loadTahap(event);
  const own = ownRegion(scope);
  const items = (await distributionRoutes().list(tahap.tahapId)).filter(
    (record) => own === undefined || record.region === own,
  );
  return json(200, { tahapId: tahap.tahapId, items } satisfies ResponseBody<'GetDistribution', 200>);
});
