import { decodeCursor } from '#shared/adapters/eligibility-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { TahapFamiliesBodySchema } from '#shared/contract/requests.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import type { EligibilityResult } from '#shared/model.ts';
import { tahapRoutes } from './deps.ts';
import { loadTahap } from './get-tahap.ts';
import { logBulkRead } from './read-log.ts';
import { routeById } from './routes.ts';

/**
 * `POST /tahap/{tahapId}/families/search` `{ desa, status?, cursor?, limit? }`: a desa's families in
 * the latest completed run, each with its verdict and every reason, a page at a time (an operator:
 * desa of their own region). A read: no Idempotency-Key. Auditors read No KKs masked. Each page is
 * one bulk read log item (`READLOG#DESA#<tahapId>#<desa>`), written before the page leaves.
 */
const ROUTE = routeById('SearchTahapFamilies');

export const handler = apiHandler(ROUTE, async ({ event, scope }) => {
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
  await logBulkRead(scope, ROUTE.id, {
    kind: 'DESA',
    tahapId: tahap.tahapId,
    desaCode: body.desa,
    // The cursor names a No KK: the log keeps it masked.
    ...(body.cursor ? { page: maskNik(decodeCursor(body.cursor)) } : {}),
    ...(body.status ? { filter: body.status } : {}),
    families: page.items.length,
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
