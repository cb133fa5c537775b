import type { ResponseBody } from '#shared/contract/api.ts';
import { RevokeBodySchema } from '#shared/contract/requests.ts';
import { DECREE_STATUS_LABEL } from '#shared/domain/decree.ts';
import { planRevocation, WorkflowError } from '#shared/domain/workflow.ts';
import { NotFoundError } from '#shared/errors.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { decreeDetail, loadDecree } from './decree-view.ts';
import { apiDeps } from './deps.ts';
import { routeById } from './routes.ts';

/**
 * `POST /decrees/{decreeId}/revocation`: the approver revokes a decree in force, with a written
 * reason. The decree is never edited or deleted: it is marked revoked (its PDF stays), the proposal
 * is closed, and the region's next list for the period leads to a new decree that names this one.
 */
export const handler = postHandler(routeById('RevokeDecree'), async ({ event, scope }) => {
  const body = parseInput(RevokeBodySchema, jsonBody(event));
  const decree = await loadDecree(event, scope);
  if (decree.status !== 'ISSUED') {
    throw new WorkflowError(
      'DECREE_NOT_IN_FORCE',
      `SK ${decree.number} berstatus "${DECREE_STATUS_LABEL[decree.status]}", sehingga tidak dapat dicabut.`,
    );
  }
  const { proposals, decrees } = apiDeps();
  const proposal = await proposals.get(decree.proposalId);
  if (!proposal) throw new NotFoundError('Usulan SK ini tidak ditemukan.');
  const now = new Date().toISOString();
  const plan = planRevocation(proposal, decree, body.reason);
  const by = whoOf(scope);
  await proposals.apply(proposal, plan, actorOf(scope), now, [
    decrees.revokedItem(decree.decreeId, by, body.reason, now),
  ]);
  const revoked = await decrees.get(decree.decreeId);
  if (!revoked) throw new NotFoundError('SK tidak ditemukan.');
  return json(200, (await decreeDetail(revoked)) satisfies ResponseBody<'RevokeDecree', 200>);
});
