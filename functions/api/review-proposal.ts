import { z } from 'zod';
import { planReview } from '#shared/domain/workflow.ts';
import { ForbiddenError } from '#shared/errors.ts';
import { actorOf, requireGroup } from '#shared/http/caller.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetail } from './proposal-view.ts';

const BodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'return']),
    note: z.string().trim().max(2_000).optional(),
  })
  .refine((body) => body.decision !== 'return' || (body.note?.length ?? 0) >= 10, {
    path: ['note'],
    message: 'Alasan pengembalian wajib ditulis (minimal 10 karakter).',
  });

/**
 * `POST /proposals/{proposalId}/reviews`: one agency (the verifier's OPD) signs off, or sends the list
 * back to the region with its reasons. The last required sign-off makes the proposal VERIFIED.
 */
export const handler = apiHandler(async ({ event, caller }) => {
  requireGroup(caller, 'verifier');
  if (!caller.opd)
    throw new ForbiddenError('Akun verifikator tidak terhubung dengan perangkat daerah (OPD).');
  const body = parseInput(BodySchema, jsonBody(event));
  const proposal = await loadProposal(event, caller);
  const now = new Date().toISOString();
  const plan = planReview(
    proposal,
    caller.opd ?? '',
    body.decision,
    body.note,
    { sub: caller.sub, name: caller.name },
    now,
  );
  const updated = await apiDeps().proposals.apply(proposal, plan, actorOf(caller), now);
  return json(200, proposalDetail(updated));
});
