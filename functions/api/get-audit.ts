import type { ResponseBody } from '#shared/contract/api.ts';
import { AuditQuerySchema } from '#shared/contract/requests.ts';
import { verifyChain } from '#shared/domain/audit.ts';
import { NotFoundError } from '#shared/errors.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps, tahapRoutes } from './deps.ts';
import { proposalRegion } from './proposal-view.ts';
import { routeById } from './routes.ts';

const TAHAP_ENTITY = 'TAHAP-';

/**
 * `GET /audit?entityId`: who did what, when, for one proposal or tahap, with the result of checking
 * the hash chain (an altered, removed or reordered record shows as `chain.valid: false`). A tahap is
 * the province's: only roles that read every region see its chain.
 */
export const handler = apiHandler(routeById('GetAudit'), async ({ event, scope }) => {
  const { entityId } = parseInput(AuditQuerySchema, event.queryStringParameters ?? {});
  const tahapId = entityId.startsWith(TAHAP_ENTITY) ? entityId.slice(TAHAP_ENTITY.length) : undefined;
  requireRegion(scope, tahapId ? 'PROVINSI' : proposalRegion(entityId));
  const { proposals } = apiDeps();
  const [records, head] = await Promise.all([
    proposals.audit(entityId),
    tahapId ? tahapRoutes().tahap.get(tahapId) : proposals.get(entityId),
  ]);
  if (records.length === 0) throw new NotFoundError('Tidak ada catatan audit untuk entitas ini.');
  return json(200, {
    entityId,
    chain: verifyChain(records, head?.lastAuditHash),
    records,
  } satisfies ResponseBody<'GetAudit', 200>);
});
