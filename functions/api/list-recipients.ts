import { InvalidCursorError } from '#shared/adapters/recipients-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { ListRecipientsQuerySchema } from '#shared/contract/requests.ts';
import { BadRequestError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { loadProposal } from './proposal-view.ts';
import { recipientView } from './recipient-view.ts';
import { routeById } from './routes.ts';

/**
 * `GET /proposals/{proposalId}/recipients?cursor&limit&flag`: one page of the current list. Auditors
 * read NIKs and account numbers masked; the people who work the list see them whole.
 */
export const handler = apiHandler(routeById('ListRecipients'), async ({ event, scope }) => {
  const proposal = await loadProposal(event, scope);
  const query = parseInput(ListRecipientsQuerySchema, event.queryStringParameters ?? {});
  const { recipients } = apiDeps();
  if (!proposal.currentListId)
    return json(200, { items: [], nextCursor: null } satisfies ResponseBody<'ListRecipients', 200>);

  try {
    const page = await recipients.page(proposal.currentListId, query.limit, query.cursor, query.flag);
    return json(200, {
      items: page.items.map(recipientView(scope)),
      nextCursor: page.nextCursor ?? null,
    } satisfies ResponseBody<'ListRecipients', 200>);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new BadRequestError('Parameter cursor tidak sah.');
    throw error;
  }
});
