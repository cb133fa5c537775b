import type { ResponseBody } from '#shared/contract/api.ts';
import { tahapLabel } from '#shared/domain/family/tahap.ts';
import { apiHandler, json } from '#shared/http/http-handler.ts';
import { tahapRoutes } from './deps.ts';
import { routeById } from './routes.ts';
import { vervalRepo } from './verval-access.ts';

/** A tahap whose verval is over: its assignments are no one's work any more. */
const CLOSED = new Set(['SELESAI', 'DIBATALKAN']);

/**
 * `GET /verval/assignments`: the desa assigned to the caller in every open tahap (one index Query
 * per tahap), so a relawan's screen finds its work without listing tahap it may not read.
 */
export const handler = apiHandler(routeById('ListMyAssignments'), async ({ scope }) => {
  const open = (await tahapRoutes().tahap.list()).filter((tahap) => !CLOSED.has(tahap.status));
  const repo = vervalRepo();
  const perTahap = await Promise.all(
    open.map(async (tahap) =>
      (await repo.ofRelawan(tahap.tahapId, scope.sub)).map((assignment) => ({
        tahapId: tahap.tahapId,
        tahapLabel: tahapLabel(tahap),
        tahapStatus: tahap.status,
        desaCode: assignment.desaCode,
        region: assignment.region,
        assignedAt: assignment.assignedAt,
      })),
    ),
  );
  return json(200, { items: perTahap.flat() } satisfies ResponseBody<'ListMyAssignments', 200>);
});
