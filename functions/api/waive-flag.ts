import { parseRecipientId } from '#shared/adapters/keys.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { WaiverBodySchema } from '#shared/contract/requests.ts';
import { planWaiver } from '#shared/domain/workflow.ts';
import { BadRequestError, NotFoundError } from '#shared/errors.ts';
import { actorOf, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { apiDeps } from './deps.ts';
import { loadProposal, proposalDetailFor } from './proposal-view.ts';
import { routeById } from './routes.ts';

/**
 * `POST /proposals/{proposalId}/waivers`: a verifier sets one blocking flag of one recipient aside,
 * with a written reason. At most once per flag; audited like every other step.
 */
export const handler = postHandler(routeById('WaiveFlag'), async ({ event, scope }) => {
  const body = parseInput(WaiverBodySchema, jsonBody(event));
  const proposal = await loadProposal(event, scope);
  // The rules first (state, agency, duties): a refused verifier learns nothing about the recipient.
  const now = new Date().toISOString();
  const plan = planWaiver(
    proposal,
    scope.agency ?? '',
    whoOf(scope),
    body.recipientId,
    body.flag,
    body.reason,
  );
  const target = parseRecipientId(body.recipientId);
  if (!target || target.listId !== proposal.currentListId) {
    throw new NotFoundError('Penerima tidak ditemukan dalam daftar usulan ini.');
  }
  const { recipients, proposals } = apiDeps();
  const recipient = await recipients.get(target.listId, target.row);
  const flag = recipient?.flags?.find((candidate) => candidate.code === body.flag);
  if (!recipient || !flag) throw new NotFoundError(`Penerima ini tidak memiliki temuan ${body.flag}.`);
  if (flag.severity !== 'blocking') {
    throw new BadRequestError(
      'Hanya temuan yang menghalangi (blocking) yang perlu dikesampingkan; peringatan tidak.',
    );
  }

  const updated = await proposals.waive(proposal, plan, actorOf(scope), now, {
    listId: target.listId,
    row: target.row,
    recipientId: body.recipientId,
    flag: body.flag,
    reason: body.reason,
  });
  return json(201, {
    ...(await proposalDetailFor(updated)),
    waived: { recipientId: body.recipientId, flag: body.flag },
  } satisfies ResponseBody<'WaiveFlag', 201>);
});
