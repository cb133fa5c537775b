import type { ResponseBody } from '#shared/contract/api.ts';
import { TahapFamiliesBodySchema } from '#shared/contract/requests.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import type { EligibilityResult } from '#shared/model.ts';
import { tahapRoutes } from './deps.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `POST /tahap/{tahapId}/families/search` `{ desa, status?, cursor?, limit? }`: a desa's families in
 * the latest completed run, each with its verdict and every reason, a page at a time (an operator:
 * desa of their own region). A read: no Idempotency-Key. Auditors read No KKs masked.
 */
export const handler = apiHandler(routeById('SearchTahapFamilies'), async ({ event, scope }) => {
  const tahap = await loadTahap(event);
  const body = parseInput(TahapFamiliesBodySchema, jsonBody(event));
  requireRegion(scope, body.desa.slice(0, 5));
  const run = tahap.eligibility;
  if (run?.status !== 'COMPLETED') {
    return json(200, { items: [] } satisfies ResponseBody<'SearchTahapFamilies', 200>);
  }
  const page = await tahapRoutes().results.listDesa(tahap.tahapId, run.runId, body.desa, {
    ...(body.status ? { status: body.status } : {}),
    ...(body.cursor ? { cursor: body.cursor } : {}),
    limit: body.limit,
  });
  const masked = scope.personalData === 'masked';
  return json(200, {
    items: page.items.map(({ tahapId: _t, runId: _r, ...family }) => (masked ? maskFamily(family) : family)),
    ...(page.cursor ? { nextCursor: page.cursor } : {}),
  } satisfies ResponseBody<'SearchTahapFamilies', 200>);
});

/** No KKs masked like NIKs (same shape), the verdict's other families' too. */
function maskFamily<T extends Omit<EligibilityResult, 'tahapId' | 'runId'>>(family: T): T {
  return {
    ...family,
    noKk: maskNik(family.noKk),
    reasons: family.reasons.map((reason) =>
      reason.reason === 'ANGGOTA_DI_KELUARGA_LAIN'
        ? { ...reason, otherNoKk: reason.otherNoKk.map(maskNik) }
        : reason,
    ),
  };
}
