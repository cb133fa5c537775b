import { AnswerComplaintBodySchema, ComplaintParamsSchema } from '#shared/contract/requests.ts';
import { whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { act, complaintView, loadVisible } from './complaint-view.ts';
import { routeById } from './routes.ts';

/**
 * `POST /complaints/{complaintId}/answer`: the answer written for the citizen (shown on the public
 * status page). The first answer stops the service-level clock; a later one corrects it.
 */
export const handler = postHandler(routeById('AnswerComplaint'), async ({ event, scope }) => {
  const { complaintId } = parseInput(ComplaintParamsSchema, event.pathParameters ?? {});
  const { answer } = parseInput(AnswerComplaintBodySchema, jsonBody(event));
  const record = await loadVisible(complaintId, scope);
  const after = await act(
    record,
    'ANSWER',
    scope,
    (before, at) => ({ answer, answeredAt: before.answeredAt ?? at, answeredBy: whoOf(scope) }),
    answer,
  );
  return json(200, await complaintView(after, scope, new Date()));
});
