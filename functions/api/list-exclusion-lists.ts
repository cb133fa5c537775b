import type { ResponseBody } from '#shared/contract/api.ts';
import { listsInForce } from '#shared/domain/family/exclusions.ts';
import { apiHandler, json } from '#shared/http/http-handler.ts';
import { familyFiles } from './deps.ts';
import { routeById } from './routes.ts';

/**
 * `GET /exclusion-lists`: every list with its entry count and whether it is in force (the newest of
 * its programme, source and region). A regional role sees the province's lists and its own region's. The
 * entries (NIKs) are never shown here: they are matched by eligibility, and a family's exclusion
 * names the list.
 */
export const handler = apiHandler(routeById('ListExclusionLists'), async ({ scope }) => {
  const lists = await familyFiles().exclusions.lists();
  const inForce = new Set(listsInForce(lists).map((list) => list.listId));
  const visible = lists.filter(
    (list) => scope.regions === 'all' || list.region === undefined || list.region === scope.regions[0],
  );
  return json(200, {
    items: visible.map(({ uploadedBy, ...list }) => ({
      ...list,
      ...(uploadedBy ? { uploadedBy: { name: uploadedBy.name } } : {}),
      inForce: inForce.has(list.listId),
    })),
  } satisfies ResponseBody<'ListExclusionLists', 200>);
});
