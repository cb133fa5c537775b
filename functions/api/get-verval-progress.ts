import type { ResponseBody } from '#shared/contract/api.ts';
import { DesaQuerySchema } from '#shared/contract/requests.ts';
import type { VervalResult } from '#shared/domain/family/verval.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { loadTahap } from './get-tahap.ts';
import { logBulkRead } from './read-log.ts';
import { routeById } from './routes.ts';
import { requireDesa, vervalRepo } from './verval-access.ts';
import { familiesToVisit } from './verval-families.ts';

/**
 * `GET /tahap/{tahapId}/verval?desa`: how far a desa's verval is — families to visit, visited,
 * results by kind — and each recorded result (who visited, when, under which minutes). The results
 * name families (No KK): one bulk read log item (`READLOG#DESA#<tahapId>#<desa>`) per read.
 */
const ROUTE = routeById('GetVervalProgress');

export const handler = apiHandler(ROUTE, async ({ event, scope }) => {
  const tahap = await loadTahap(event);
  const { desa } = parseInput(DesaQuerySchema, event.queryStringParameters ?? {});
  await requireDesa(scope, tahap.tahapId, desa);
  const [visit, results] = await Promise.all([
    familiesToVisit(tahap, desa),
    vervalRepo().ofDesaResults(tahap.tahapId, desa),
  ]);
  const toVisit = new Set(visit.map((family) => family.noKk));
  const counted = results.filter((result) => toVisit.has(result.noKk));
  const byResult: Partial<Record<VervalResult, number>> = {};
  for (const result of counted) byResult[result.result] = (byResult[result.result] ?? 0) + 1;
  await logBulkRead(scope, ROUTE.id, {
    kind: 'DESA',
    tahapId: tahap.tahapId,
    desaCode: desa,
    // Every family to visit is named now (its No KK), not only the visited.
    families: toVisit.size,
  });
  const masked = scope.personalData === 'masked';
  return json(200, {
    tahapId: tahap.tahapId,
    desa,
    toVisit: toVisit.size,
    toVisitKk: [...toVisit].sort().map((noKk) => (masked ? maskNik(noKk) : noKk)),
    visited: counted.length,
    byResult,
    results: counted.map((result) => ({
      noKk: masked ? maskNik(result.noKk) : result.noKk,
      result: result.result,
      inTahap: result.inTahap,
      penerimaChanged: result.penerimaChanged,
      tanggal: result.tanggal,
      relawan: result.relawan,
      nomorBeritaAcara: result.nomorBeritaAcara,
      keterangan: result.keterangan,
    })),
  } satisfies ResponseBody<'GetVervalProgress', 200>);
});
