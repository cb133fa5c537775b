import { ComplaintParamsSchema } from '#shared/contract/requests.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { complaintView, loadVisible } from './complaint-view.ts';
import { routeById } from './routes.ts';

/**
 * `GET /complaints/{complaintId}`: a complaint with its text, the numbers given (masked for
 * auditors), the family it is linked to and its history. Another kabupaten's complaint, and any
 * PUNGLI complaint for an operator, is a 404 as for an id never given.
 */
export const handler = apiHandler(routeById('GetComplaint'), async ({ event, scope }) => {
  const { complaintId } = parseInput(ComplaintParamsSchema, event.pathParameters ?? {});
  const record = await loadVisible(complaintId, scope);
  return json(200, await complaintView(record, scope, new Date()));
});
