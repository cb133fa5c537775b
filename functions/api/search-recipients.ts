import { InvalidCursorError, nameKey } from '#shared/adapters/recipients-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { SEARCH_READ_BUDGET, SearchRecipientsBodySchema } from '#shared/contract/requests.ts';
import { BadRequestError } from '#shared/errors.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps.ts';
import { loadProposal } from './proposal-view.ts';
import { recipientView } from './recipient-view.ts';
import { routeById } from './routes.ts';

/**
 * `POST /proposals/{proposalId}/recipients/search` `{ q, cursor?, limit?, flag? }`: the current
 * list's recipients whose name contains `q`. A POST only so the name stays out of every URL (and
 * so out of access logs); it reads and changes nothing, so it takes no `Idempotency-Key`. Each call
 * reads at most {@link SEARCH_READ_BUDGET} items and may answer a short page with a cursor.
 * Auditors read NIKs and account numbers masked, as on the list's pages. The name searched for is
 * never logged.
 */
export const handler = apiHandler(routeById('SearchRecipients'), async ({ event, scope }) => {
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
  try {
    const page = await apiDeps().recipients.search(proposal.currentListId, {
      query: body.q,
      limit: body.limit,
      cursor: body.cursor,
      filter: body.flag,
      budget: SEARCH_READ_BUDGET,
    });
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
