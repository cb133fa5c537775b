import { requireGroup } from '#shared/http/caller.ts';
import { apiHandler, json } from '#shared/http/http-handler.ts';
import { decreeDetail, loadDecree } from './decree-view.ts';

/** `GET /decrees/{decreeId}`: number, date, status, totals, SHA-256 and a presigned PDF link. */
export const handler = apiHandler(async ({ event, caller }) => {
  requireGroup(caller, 'operator', 'verifier', 'approver', 'auditor', 'admin');
  return json(200, await decreeDetail(await loadDecree(event, caller)));
});
