import type { ResponseBody } from '#shared/contract/api.ts';
import { RegionQuerySchema } from '#shared/contract/requests.ts';
import { BadRequestError } from '#shared/errors.ts';
import { ownRegion, requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { familyFiles } from './deps.ts';
import { snapshotView } from './import-view.ts';
import { routeById } from './routes.ts';

/** `GET /snapshots?region`: a region's DTSEN snapshots (an operator's own), newest version first. */
export const handler = apiHandler(routeById('ListSnapshots'), async ({ event, scope }) => {
  const query = parseInput(RegionQuerySchema, event.queryStringParameters ?? {});
  const region = query.region ?? ownRegion(scope);
  if (!region || region === 'PROVINSI') throw new BadRequestError('Sebutkan kabupaten/kota (region).');
  requireRegion(scope, region);
  const items = await familyFiles().snapshots.list(region);
  return json(200, { items: items.map(snapshotView) } satisfies ResponseBody<'ListSnapshots', 200>);
});
