import { LodgeComplaintBodySchema } from '#shared/contract/requests.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { publicPostHandler } from '#shared/http/public-post-handler.ts';
import { limitSource, lodge, lodgedView } from './complaint-view.ts';
import { routeById } from './routes.ts';

/**
 * `POST /complaints` (public, no account): a citizen's complaint. Limited per source by the
 * application itself (429 beyond it), validated (the desa must exist; a NIK or No KK is checked as
 * a shape only), and answered 201 with the code and the due date: the same answer whatever the NIK
 * or No KK, so the route cannot be used to learn whether anyone is registered. The family they name
 * is linked on the server, for staff only. A PUNGLI complaint goes to the province's queue.
 */
export const handler = publicPostHandler(routeById('LodgeComplaint'), async (event) => {
  const now = new Date();
  await limitSource(event, now);
  const input = parseInput(LodgeComplaintBodySchema, jsonBody(event));
  const record = await lodge({ ...input, channel: 'WEB' }, undefined, now);
  return json(201, lodgedView(record));
});
