import { InvalidCursorError, nameKey } from '#shared/adapters/recipients-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { SEARCH_READ_BUDGET, SearchRecipientsBodySchema } from '#shared/contract/requests.ts';
import { kindOfProposal } from '#shared/domain/proposal.ts';
import { BadRequestError } from '#shared/errors.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { loadProposal } from './proposal-view.ts';
import { logBulkRead } from './read-log.ts';
import { recipientView } from './recipient-view.ts';
import { routeById } from './routes.ts';

/**
 * `POST /proposals/{proposalId}/recipients/search` `{ q, cursor?, limit?, flag? }`: the current
 * list's recipients whose name contains `q`. A POST only so the name stays out of every URL (and
 * so out of access logs); it reads and changes nothing, so it takes no `Idempotency-Key`. Each call
 * reads at most {@link SEARCH_READ_BUDGET} items and may answer a short page with a cursor.
 * Auditors read NIKs and account numbers masked, as on the list's pages. The name searched for is
 * never logged: a KPM list's page is one bulk read log item (`READLOG#LIST#<listId>`) that says a
 * name was searched for, not which; a BKK list's page is not logged.
 */
const ROUTE = routeById('SearchRecipients');

export const handler = apiHandler(ROUTE, async ({ event, scope }) => {
  const proposal = await loadProposal(event, scope);
  const body = parseInput(SearchRecipientsBodySchema, jsonBody(event));
  if (nameKey(body.q).length < 2) {
    throw new BadRequestError('Tulis paling sedikit 2 huruf atau angka nama.');
  }
  if (!proposal.currentListId) {
    return json(200, { items: [], nextCursor: null, examined: 0 } satisfies ResponseBody<
      'SearchRecipients',
      200
    >);
  }
  const listId = proposal.currentListId;
  try {
    const page = await apiDeps().recipients.search(listId, {
      query: body.q,
      limit: body.limit,
      cursor: body.cursor,
      filter: body.flag,
      budget: SEARCH_READ_BUDGET,
    });
    if (kindOfProposal(proposal.proposalId) === 'KPM') {
      await logBulkRead(scope, ROUTE.id, {
        kind: 'LIST',
        proposalId: proposal.proposalId,
        listId,
        ...(body.cursor ? { page: body.cursor } : {}),
        ...(body.flag ? { filter: body.flag } : {}),
        nameSearch: true,
        families: page.items.length,
      });
    }
    return json(200, {
      items: page.items.map(recipientView(scope)),
      nextCursor: page.nextCursor ?? null,
      examined: page.examined,
    } satisfies ResponseBody<'SearchRecipients', 200>);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new BadRequestError('Parameter cursor tidak sah.');
    throw error;
  }
});
