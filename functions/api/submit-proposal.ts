import type { ResponseBody } from '#shared/contract/api.ts';
import { EmptyBodySchema } from '#shared/contract/requests.ts';
import { planSubmit } from '#shared/domain/workflow.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { ChecksRequestedSchema } from '#shared/messages.ts';
import { publish } from '#shared/observability/telemetry.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetailFor } from './proposal-view.ts';
import { routeById } from './routes.ts';
import { submissionMetrics } from './workflow-metrics.ts';

/**
 * `POST /proposals/{proposalId}/submit`: pengajuan usulan. The region's operator hands the draft
 * list to the governor; the request for its automatic checks is written in the same transaction
 * (the outbox), and the relay puts it on the checks queue.
 */
export const handler = postHandler(routeById('SubmitProposal'), async ({ event, scope }) => {
  parseInput(EmptyBodySchema, jsonBody(event));
  const proposal = await loadProposal(event, scope);
  const { config, proposals } = apiDeps();
  const now = new Date().toISOString();
  const plan = planSubmit(proposal, config.requiredAgencies[proposal.kind], whoOf(scope), now);
  const submitted = await proposals.applyAndHandOff(proposal, plan, actorOf(scope), now, (next) => [
    {
      queue: 'checks',
      message: ChecksRequestedSchema.parse({
        type: 'checks.requested',
        proposalId: next.proposalId,
        listId: next.currentListId,
        trigger: 'submit',
        requestedAt: now,
      }),
    },
  ]);
  publish(submissionMetrics(submitted.region));
  return json(200, (await proposalDetailFor(submitted)) satisfies ResponseBody<'SubmitProposal', 200>);
});
