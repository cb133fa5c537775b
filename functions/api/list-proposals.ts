import * as z from 'zod';
import { PeriodSchema } from '#shared/domain/period.ts';
import { PROPOSAL_STATUSES } from '#shared/domain/proposal.ts';
import { REGIONS } from '#shared/domain/wilayah.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { proposalSummary } from './proposal-view.ts';
import { routeById } from './routes.ts';

const QuerySchema = z.strictObject({
  region: z
    .string()
    .regex(/^62\.\d{2}$/)
    .optional(),
  period: PeriodSchema.optional(),
  status: z.enum(PROPOSAL_STATUSES).optional(),
});

/** `GET /proposals?region&period&status`: operators see their own region only. */
export const handler = apiHandler(routeById('ListProposals'), async ({ event, scope }) => {
  const query = parseInput(QuerySchema, event.queryStringParameters ?? {});
  if (query.region) requireRegion(scope, query.region);
  const regions = query.region
    ? [query.region]
    : scope.regions === 'all'
      ? REGIONS.map((region) => region.code)
      : [...scope.regions];
  const items = await apiDeps().proposals.list({ regions, period: query.period, status: query.status });
  return json(200, { items: items.map(proposalSummary) });
});
