import type { ResponseBody } from '#shared/contract/api.ts';
import { TahapSummaryQuerySchema } from '#shared/contract/requests.ts';
import { BadRequestError } from '#shared/errors.ts';
import { ownRegion, requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { tahapRoutes } from './deps.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `GET /tahap/{tahapId}/summary?region&kecamatan`: the counts of the tahap's latest completed run,
 * per kabupaten (an operator: their own), its kecamatan and desa; with `kecamatan`, only that
 * kecamatan's desa. No personal data: counts only.
 */
export const handler = apiHandler(routeById('GetTahapSummary'), async ({ event, scope }) => {
  const tahap = await loadTahap(event);
  const query = parseInput(TahapSummaryQuerySchema, event.queryStringParameters ?? {});
  if (query.kecamatan && query.region && !query.kecamatan.startsWith(`${query.region}.`)) {
    throw new BadRequestError('Kecamatan itu tidak berada di kabupaten/kota yang diminta.');
  }
  const region = query.region ?? query.kecamatan?.slice(0, 5) ?? ownRegion(scope);
  if (region) requireRegion(scope, region);
  const run = tahap.eligibility;
  if (run?.status !== 'COMPLETED') {
    return json(200, { tahapId: tahap.tahapId, run, items: [] } satisfies ResponseBody<
      'GetTahapSummary',
      200
    >);
  }
  const summaries = await tahapRoutes().results.summary(tahap.tahapId, run.runId, region);
  const items = query.kecamatan
    ? summaries.map((summary) => {
        const prefix = `${query.kecamatan}.`;
        const within = <T>(counts: Record<string, T>) =>
          Object.fromEntries(
            Object.entries(counts).filter(([code]) => code === query.kecamatan || code.startsWith(prefix)),
          );
        return { ...summary, kecamatan: within(summary.kecamatan), desa: within(summary.desa) };
      })
    : summaries;
  return json(200, { tahapId: tahap.tahapId, run, items } satisfies ResponseBody<'GetTahapSummary', 200>);
});
