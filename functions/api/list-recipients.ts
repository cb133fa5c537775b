import { InvalidCursorError } from '#shared/adapters/recipients-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { ListRecipientsQuerySchema } from '#shared/contract/requests.ts';
import { kindOfProposal } from '#shared/domain/proposal.ts';
import { BadRequestError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { loadProposal } from './proposal-view.ts';
import { logBulkRead } from './read-log.ts';
import { recipientView } from './recipient-view.ts';
import { routeById } from './routes.ts';

/**
 * `GET /proposals/{proposalId}/recipients?cursor&limit&flag`: one page of the current list. Auditors
 * read NIKs and account numbers masked; the people who work the list see them whole. A KPM list's
 * page names families: one bulk read log item (`READLOG#LIST#<listId>`) per page; a BKK list's not.
 */
const ROUTE = routeById('ListRecipients');

export const handler = apiHandler(ROUTE, async ({ event, scope }) => {
  const proposal = await loadProposal(event, scope);
  const query = parseInput(ListRecipientsQuerySchema, event.queryStringParameters ?? {});
  const { recipients } = apiDeps();
  if (!proposal.currentListId)
    return json(200, { items: [], nextCursor: null } satisfies ResponseBody<'ListRecipients', 200>);

  const listId = proposal.currentListId;
  try {
    const page = await recipients.page(listId, query.limit, query.cursor, query.flag);
    if (kindOfProposal(proposal.proposalId) === 'KPM') {
      await logBulkRead(scope, ROUTE.id, {
        kind: 'LIST',
        proposalId: proposal.proposalId,
        listId,
        ...(query.cursor ? { page: query.cursor } : {}),
        ...(query.flag ? { filter: query.flag } : {}),
        families: page.items.length,
      });
    }
    return json(200, {
      items: page.items.map(recipientView(scope)),
      nextCursor: page.nextCursor ?? null,
    } satisfies ResponseBody<'ListRecipients', 200>);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new BadRequestError('Parameter cursor tidak sah.');
    throw error;
  }
});
