import { z } from 'zod';
import { MessageQueue } from '#shared/adapters/queue.ts';
import { planSubmit } from '#shared/domain/workflow.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { logger } from '#shared/logger.ts';
import { type ChecksRequested, ChecksRequestedSchema } from '#shared/messages.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetail } from './proposal-view.ts';
import { routeById } from './routes.ts';

const BodySchema = z.strictObject({});

/**
 * `POST /proposals/{proposalId}/submit`: pengajuan usulan. The region's operator hands the draft
 * list to the governor; the automatic checks start at once (a message on the checks queue).
 */
export const handler = apiHandler(routeById('SubmitProposal'), async ({ event, scope }) => {
  parseInput(BodySchema, jsonBody(event));
  const proposal = await loadProposal(event, scope);
  const { config, proposals } = apiDeps();
  const now = new Date().toISOString();
  const plan = planSubmit(proposal, config.requiredAgencies, whoOf(scope), now);
  const submitted = await proposals.apply(proposal, plan, actorOf(scope), now);

  const message: ChecksRequested = ChecksRequestedSchema.parse({
    type: 'checks.requested',
    proposalId: submitted.proposalId,
    listId: submitted.currentListId,
    trigger: 'submit',
    requestedAt: now,
  });
  try {
    await new MessageQueue(required(config.checksQueueUrl)).send(message);
  } catch (error) {
    // The submission stands; a proposal left in SUBMITTED without checks is found and re-driven by
    // the scheduled reconciliation ("stuck" proposals), so the operator is not asked to retry.
    logger.error('Could not queue the checks for a submitted proposal', {
      proposalId: submitted.proposalId,
      error,
    });
  }
  return json(200, proposalDetail(submitted));
});

function required(url: string | undefined): string {
  if (!url) throw new Error('CHECKS_QUEUE_URL is not set');
  return url;
}
