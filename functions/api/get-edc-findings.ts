import { EdcRepository } from '#shared/adapters/food-repo.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { CardRegionQuerySchema } from '#shared/contract/distribution.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

let edc: EdcRepository | undefined;

/**
 * `GET /tahap/{tahapId}/edc/findings?region`: the findings the kabupaten's EDC imports stored (one
 * Query of `EDCFIND#<tahapId>#<region>`), in line order: card numbers, terminals, times and masked
 * NIKs, never a name.
 */
export const handler = apiHandler(routeById('GetEdcFindings'), async ({ event, scope }) => {
  const { region } = parseInput(CardRegionQuerySchema, event.queryStringParameters ?? {});
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  edc ??= new EdcRepository(env().tableName);
  const items: ResponseBody<'GetEdcFindings', 200>['items'] = [];
  for await (const finding of edc.findings(tahap.tahapId, region)) {
    const { tahapId: _tahap, region: _region, lineKey: _line, ...shown } = finding;
    items.push(shown);
  }
  return json(200, { tahapId: tahap.tahapId, region, items } satisfies ResponseBody<'GetEdcFindings', 200>);
});
