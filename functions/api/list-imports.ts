import type { ResponseBody } from '#shared/contract/api.ts';
import { RegionQuerySchema } from '#shared/contract/requests.ts';
import { BadRequestError } from '#shared/errors.ts';
import { ownRegion, requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { familyFiles } from './deps.ts';
import { importView, PROVINCE } from './import-view.ts';
import { routeById } from './routes.ts';

/** `GET /imports?region`: a region's family file imports (an operator's own), or the province's. */
export const handler = apiHandler(routeById('ListImports'), async ({ event, scope }) => {
  const query = parseInput(RegionQuerySchema, event.queryStringParameters ?? {});
  const scopeName = query.region ?? ownRegion(scope);
  if (!scopeName) throw new BadRequestError('Sebutkan kabupaten/kota (region), atau PROVINSI.');
  requireRegion(scope, scopeName);
  const items = await familyFiles().imports.list(scopeName === PROVINCE ? undefined : scopeName);
  return json(200, { items: items.map(importView) } satisfies ResponseBody<'ListImports', 200>);
});
