import * as z from 'zod';
import { verifyChain } from '#shared/domain/audit.ts';
import { NotFoundError } from '#shared/errors.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { proposalRegion } from './proposal-view.ts';
import { routeById } from './routes.ts';

const QuerySchema = z.strictObject({ entityId: z.string().regex(/^62\.\d{2}-[0-9A-Za-z-]{4,20}$/) });

/**
 * `GET /audit?entityId`: who did what, when, for one proposal, with the result of checking the
 * hash chain (an altered, removed or reordered record shows as `chain.valid: false`).
 */
export const handler = apiHandler(routeById('GetAudit'), async ({ event, scope }) => {
  const { entityId } = parseInput(QuerySchema, event.queryStringParameters ?? {});
  requireRegion(scope, proposalRegion(entityId));
  const { proposals } = apiDeps();
  const [records, proposal] = await Promise.all([proposals.audit(entityId), proposals.get(entityId)]);
  if (records.length === 0) throw new NotFoundError('Tidak ada catatan audit untuk entitas ini.');
  return json(200, { entityId, chain: verifyChain(records, proposal?.lastAuditHash), records });
});
