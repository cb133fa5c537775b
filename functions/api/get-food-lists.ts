import type { ResponseBody } from '#shared/contract/api.ts';
import { CardRegionQuerySchema } from '#shared/contract/distribution.ts';
import { desaName } from '#shared/domain/wilayah.ts';
import { NotFoundError } from '#shared/errors.ts';
import { actorOf, requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps-with-objects.ts';
import { foodListsView, foodRoutes } from './food-deps.ts';
import { loadTahap } from './get-tahap.ts';
import { readLog } from './read-log.ts';
import { routeById } from './routes.ts';

const ROUTE = routeById('GetFoodLists');

type FoodListsView = ResponseBody<'GetFoodLists', 200>;

/**
 * `GET /tahap/{tahapId}/food/lists?region`: the kabupaten's latest lists job and each desa's file
 * (rows, SHA-256, a short-lived link). The files name families: each file handed out is logged as a
 * bulk read of the caller (UU PDP) before the answer leaves. 404 before any list was asked for.
 */
export const handler = apiHandler(ROUTE, async ({ event, scope }) => {
  const { region } = parseInput(CardRegionQuerySchema, event.queryStringParameters ?? {});
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  const job = await foodRoutes().listJob(tahap.tahapId, region);
  if (!job) throw new NotFoundError('Daftar penyaluran BULOG kabupaten/kota ini belum pernah dibuat.');
  const { config, objects } = apiDeps();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + config.presignTtlSeconds * 1000).toISOString();
  const files: FoodListsView['files'] = [];
  for (const file of job.files ?? []) {
    files.push({
      desaCode: file.desaCode,
      desaName: desaName(file.desaCode) ?? file.desaCode,
      rows: file.rows,
      sha256: file.sha256,
      fileKey: file.fileKey,
      downloadUrl: await objects.presignGet(
        config.documentsBucket,
        file.fileKey,
        config.presignTtlSeconds,
        `daftar-salur-${tahap.tahapId}-${file.desaCode}.csv`,
      ),
      expiresAt,
    });
  }
  const at = now.toISOString();
  await readLog().logReads(
    (job.files ?? []).map((file) => ({
      read: {
        kind: 'FILE' as const,
        file: 'DAFTAR_SALUR',
        region,
        tahapId: tahap.tahapId,
        desaCode: file.desaCode,
        fileKey: file.fileKey,
        families: file.rows,
      },
      at,
      who: actorOf(scope),
      route: ROUTE.id,
    })),
  );
  return json(200, foodListsView(job, files) satisfies FoodListsView);
});
