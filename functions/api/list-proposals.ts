import { z } from 'zod';
import { PeriodSchema } from '#shared/domain/period.ts';
import { PROPOSAL_STATUSES } from '#shared/domain/proposal.ts';
import { REGIONS } from '#shared/domain/wilayah.ts';
import { isOperatorOnly, requireGroup, requireRegionAccess } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { proposalSummary } from './proposal-view.ts';

const QuerySchema = z.strictObject({
  region: z
    .string()
    .regex(/^62\.\d{2}$/)
    .optional(),
  period: PeriodSchema.optional(),
  status: z.enum(PROPOSAL_STATUSES).optional(),
});

/** `GET /proposals?region&period&status`: operators see their own region only. */
export const handler = apiHandler(async ({ event, caller }) => {
  requireGroup(caller, 'operator', 'verifier', 'approver', 'auditor', 'admin');
  const query = parseInput(QuerySchema, event.queryStringParameters ?? {});
  if (query.region) requireRegionAccess(caller, query.region);
  const regions = query.region
    ? [query.region]
    : isOperatorOnly(caller)
      ? caller.region
        ? [caller.region]
        : []
      : REGIONS.map((region) => region.code);
  const items = await apiDeps().proposals.list({ regions, period: query.period, status: query.status });
  return json(200, { items: items.map(proposalSummary) });
});
