import type { ResponseBody } from '#shared/contract/api.ts';
import { ReviewBodySchema } from '#shared/contract/requests.ts';
import { planReview } from '#shared/domain/workflow.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { publish } from '#shared/observability/telemetry.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetailFor } from './proposal-view.ts';
import { routeById } from './routes.ts';
import { signOffMetrics } from './workflow-metrics.ts';

/**
 * `POST /proposals/{proposalId}/reviews`: one agency (the verifier's OPD) signs off, or sends the list
 * back to the region with its reasons. The last required sign-off makes the proposal VERIFIED.
 */
export const handler = postHandler(routeById('ReviewProposal'), async ({ event, scope }) => {
  const body = parseInput(ReviewBodySchema, jsonBody(event));
  const proposal = await loadProposal(event, scope);
  const now = new Date().toISOString();
  // scopeOf guarantees a verifier's agency; the rules refuse an agency the proposal does not need.
  const plan = planReview(proposal, scope.agency ?? '', body.decision, body.note, whoOf(scope), now);
  const updated = await apiDeps().proposals.apply(proposal, plan, actorOf(scope), now);
  publish(signOffMetrics(updated.submittedAt, now));
  return json(200, (await proposalDetailFor(updated)) satisfies ResponseBody<'ReviewProposal', 200>);
});
