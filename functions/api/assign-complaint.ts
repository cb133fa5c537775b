import { AssignComplaintBodySchema, ComplaintParamsSchema } from '#shared/contract/requests.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { act, complaintView, loadVisible } from './complaint-view.ts';
import { routeById } from './routes.ts';

/** `POST /complaints/{complaintId}/assign`: who takes the complaint up (BARU or DITANGANI → DITANGANI). */
export const handler = postHandler(routeById('AssignComplaint'), async ({ event, scope }) => {
  const { complaintId } = parseInput(ComplaintParamsSchema, event.pathParameters ?? {});
  const body = parseInput(AssignComplaintBodySchema, jsonBody(event));
  const record = await loadVisible(complaintId, scope);
  const after = await act(
    record,
    'ASSIGN',
    scope,
    (_, at) => ({ assignee: body.assignee, assignedAt: at }),
    body.note
      ? `Ditugaskan kepada ${body.assignee.name}: ${body.note}`
      : `Ditugaskan kepada ${body.assignee.name}`,
  );
  return json(200, await complaintView(after, scope, new Date()));
});
