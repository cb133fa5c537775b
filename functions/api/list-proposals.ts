import type { ResponseBody } from '#shared/contract/api.ts';
import { ListProposalsQuerySchema } from '#shared/contract/requests.ts';
import { REGIONS } from '#shared/domain/wilayah.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { proposalSummary } from './proposal-view.ts';
import { routeById } from './routes.ts';

/** `GET /proposals?kind&region&period&status`: BKK lists unless `kind=KPM`; operators see their own region only. */
export const handler = apiHandler(routeById('ListProposals'), async ({ event, scope }) => {
  const query = parseInput(ListProposalsQuerySchema, event.queryStringParameters ?? {});
  if (query.region) requireRegion(scope, query.region);
  const regions = query.region
    ? [query.region]
    : scope.regions === 'all'
      ? REGIONS.map((region) => region.code)
      : [...scope.regions];
  const items = await apiDeps().proposals.list({
    regions,
    kind: query.kind,
    period: query.period,
    status: query.status,
  });
  return json(200, { items: items.map(proposalSummary) } satisfies ResponseBody<'ListProposals', 200>);
});
