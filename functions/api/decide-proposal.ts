import type { ResponseBody } from '#shared/contract/api.ts';
import { DecisionBodySchema } from '#shared/contract/requests.ts';
import { planApproval } from '#shared/domain/workflow.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { decreeRequestFor } from '#shared/messages.ts';
import { publish } from '#shared/observability/telemetry.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetailFor } from './proposal-view.ts';
import { routeById } from './routes.ts';
import { signOffMetrics } from './workflow-metrics.ts';

/**
 * `POST /proposals/{proposalId}/approval`: the approver (Sekda, for the governor) approves a
 * verified list, which hands it to the decree worker (an outbox message, in the same transaction),
 * or rejects it.
 */
export const handler = postHandler(routeById('DecideProposal'), async ({ event, scope }) => {
  const body = parseInput(DecisionBodySchema, jsonBody(event));
  const proposal = await loadProposal(event, scope);
  const now = new Date().toISOString();
  const plan = planApproval(proposal, body.decision, body.note, whoOf(scope), now);
  // An approval hands the list to the decree worker in the same transaction (the outbox).
  const decided = await apiDeps().proposals.applyAndHandOff(proposal, plan, actorOf(scope), now, (next) =>
    next.status === 'APPROVED'
      ? [{ queue: 'decree', message: decreeRequestFor(next, whoOf(scope), now) }]
      : [],
  );
  publish(signOffMetrics(decided.submittedAt, now));
  return json(200, (await proposalDetailFor(decided)) satisfies ResponseBody<'DecideProposal', 200>);
});
