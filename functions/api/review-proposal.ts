import * as z from 'zod';
import { planReview } from '#shared/domain/workflow.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { freeText } from '#shared/http/params.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetail } from './proposal-view.ts';
import { routeById } from './routes.ts';

const BodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'return']),
    note: freeText(2_000).optional(),
  })
  .refine((body) => body.decision !== 'return' || (body.note?.length ?? 0) >= 10, {
    path: ['note'],
    message: 'Alasan pengembalian wajib ditulis (minimal 10 karakter).',
  });

/**
 * `POST /proposals/{proposalId}/reviews`: one agency (the verifier's OPD) signs off, or sends the list
 * back to the region with its reasons. The last required sign-off makes the proposal VERIFIED.
 */
export const handler = apiHandler(routeById('ReviewProposal'), async ({ event, scope }) => {
  const body = parseInput(BodySchema, jsonBody(event));
  const proposal = await loadProposal(event, scope);
  const now = new Date().toISOString();
  // scopeOf guarantees a verifier's agency; the rules refuse an agency the proposal does not need.
  const plan = planReview(proposal, scope.agency ?? '', body.decision, body.note, whoOf(scope), now);
  const updated = await apiDeps().proposals.apply(proposal, plan, actorOf(scope), now);
  return json(200, proposalDetail(updated));
});
