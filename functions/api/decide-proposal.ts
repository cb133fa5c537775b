import { z } from 'zod';
import { MessageQueue } from '#shared/adapters/queue.ts';
import { planApproval } from '#shared/domain/workflow.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { freeText } from '#shared/http/params.ts';
import { logger } from '#shared/logger.ts';
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
 * verified list, which hands it to the decree (a message on the decree queue), or rejects it.
 */
export const handler = apiHandler(routeById('DecideProposal'), async ({ event, scope }) => {
  const body = parseInput(BodySchema, jsonBody(event));
  const proposal = await loadProposal(event, scope);
  const now = new Date().toISOString();
  const plan = planApproval(proposal, body.decision, body.note, whoOf(scope), now);
  const { config, proposals } = apiDeps();
  const decided = await proposals.apply(proposal, plan, actorOf(scope), now);

  if (decided.status === 'APPROVED') {
    const message = decreeRequestFor(decided, whoOf(scope), now);
    try {
      if (!config.decreeQueueUrl) throw new Error('DECREE_QUEUE_URL is not set');
      await new MessageQueue(config.decreeQueueUrl).send(message);
    } catch (error) {
      // The approval stands; an APPROVED proposal without a decree is re-driven by reconciliation.
      logger.error('Could not queue the decree for an approved proposal', {
        proposalId: decided.proposalId,
        error,
      });
    }
  }
  return json(200, proposalDetail(decided));
});
