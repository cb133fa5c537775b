import * as z from 'zod';
import { planApproval } from '#shared/domain/workflow.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { freeText } from '#shared/http/params.ts';
import { decreeRequestFor } from '#shared/messages.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetail } from './proposal-view.ts';
import { routeById } from './routes.ts';

const BodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    note: freeText(2_000).optional(),
  })
  .refine((body) => body.decision !== 'reject' || (body.note?.length ?? 0) >= 10, {
    path: ['note'],
    message: 'Alasan penolakan wajib ditulis (minimal 10 karakter).',
  });

/**
 * `POST /proposals/{proposalId}/approval`: the approver (Sekda, for the governor) approves a
 * verified list, which hands it to the decree worker (an outbox message, in the same transaction),
 * or rejects it.
 */
export const handler = apiHandler(routeById('DecideProposal'), async ({ event, scope }) => {
  const body = parseInput(BodySchema, jsonBody(event));
  const proposal = await loadProposal(event, scope);
  const now = new Date().toISOString();
  const plan = planApproval(proposal, body.decision, body.note, whoOf(scope), now);
  // An approval hands the list to the decree worker in the same transaction (the outbox).
  const decided = await apiDeps().proposals.applyAndHandOff(proposal, plan, actorOf(scope), now, (next) =>
    next.status === 'APPROVED'
      ? [{ queue: 'decree', message: decreeRequestFor(next, whoOf(scope), now) }]
      : [],
  );
  return json(200, proposalDetail(decided));
});
