import type { ResponseBody } from '#shared/contract/api.ts';
import { EnterComplaintBodySchema } from '#shared/contract/requests.ts';
import { visibleTo } from '#shared/domain/complaints.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { lodge, lodgedView } from './complaint-view.ts';
import { routeById } from './routes.ts';

/**
 * `POST /complaints/entries`: a complaint staff received by phone, WhatsApp, in person or by letter,
 * for a desa of their own kabupaten (an operator). It gets a code to tell the citizen like any other.
 * A PUNGLI complaint goes to the province: an operator who enters one gets the code only, never the
 * id of a complaint they may not open.
 */
export const handler = postHandler(routeById('EnterComplaint'), async ({ event, scope }) => {
  const input = parseInput(EnterComplaintBodySchema, jsonBody(event));
  requireRegion(scope, input.desaCode.slice(0, 5));
  const record = await lodge(input, scope, new Date());
  return json(201, {
    ...lodgedView(record),
    ...(visibleTo(scope.regions, record.unit) ? { complaintId: record.complaintId } : {}),
  } satisfies ResponseBody<'EnterComplaint', 201>);
});
