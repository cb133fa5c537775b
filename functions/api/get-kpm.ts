import type { ResponseBody } from '#shared/contract/api.ts';
import { KpmQuerySchema } from '#shared/contract/requests.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import type { KpmCompose, ProposalRecord } from '#shared/model.ts';
import { apiDeps, tahapRoutes } from './deps.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/** The composition and the proposal it feeds, as the API shows them. */
export const kpmView = (
  tahapId: string,
  region: string,
  compose: KpmCompose | undefined,
  proposal: ProposalRecord | undefined,
): ResponseBody<'GetKpm', 200> => ({
  tahapId,
  region,
  ...(compose ? { compose } : {}),
  ...(proposal
    ? {
        proposal: {
          proposalId: proposal.proposalId,
          status: proposal.status,
          recipientCount: proposal.recipientCount,
        },
      }
    : {}),
});

/** `GET /tahap/{tahapId}/kpm?region`: the kabupaten's latest KPM list composition and its proposal. */
export const handler = apiHandler(routeById('GetKpm'), async ({ event, scope }) => {
  const { region } = parseInput(KpmQuerySchema, event.queryStringParameters ?? {});
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  const [compose, proposal] = await Promise.all([
    tahapRoutes().kpm.get(tahap.tahapId, region),
    apiDeps().proposals.getCurrent(region, tahap.tahapId, 'KPM'),
  ]);
  return json(200, kpmView(tahap.tahapId, region, compose, proposal));
});
