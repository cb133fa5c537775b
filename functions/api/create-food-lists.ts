import { randomUUID } from 'node:crypto';
import { handoffItem } from '#shared/adapters/outbox.ts';
import { transactWrite, WriteConflict } from '#shared/adapters/transactions.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { FoodListsBodySchema } from '#shared/contract/distribution.ts';
import { ConflictError } from '#shared/errors.ts';
import { actorOf, requireRegion } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import type { FoodListJob } from '#shared/model.ts';
import { distributionRoutes } from './deps.ts';
import { foodListsView, foodRoutes } from './food-deps.ts';
import { loadTahap, requireOpenTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `POST /tahap/{tahapId}/food/lists {region}`: queues the kabupaten's distribution lists for BULOG
 * (202): one file per desa, written by the families worker (`functions/families/food-lists.ts`).
 * The request and its job's message (outbox) are one transaction; one job of a kabupaten runs at a
 * time. Refused (409) before the kabupaten's distribution is open and for a tahap without food.
 */
export const handler = postHandler(routeById('CreateFoodLists'), async ({ event, scope }) => {
  const { region } = parseInput(FoodListsBodySchema, jsonBody(event));
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  requireOpenTahap(tahap);
  const opened = await distributionRoutes().get(tahap.tahapId, region);
  if (opened?.status !== 'OPEN') {
    throw new ConflictError('Penyaluran kabupaten/kota ini pada tahap ini belum dibuka.', {
      reason: 'DISTRIBUTION_NOT_OPEN',
    });
  }
  if (tahap.components.PANGAN === undefined) {
    throw new ConflictError('Tahap ini tidak memuat bantuan pangan.', { reason: 'NO_FOOD_COMPONENT' });
  }
  const at = new Date().toISOString();
  const job: FoodListJob = {
    tahapId: tahap.tahapId,
    region,
    jobId: `${at.slice(0, 10)}-${randomUUID().slice(0, 8)}`,
    status: 'QUEUED',
    requestedAt: at,
    requestedBy: actorOf(scope),
  };
  try {
    await transactWrite([
      foodRoutes().requestItem(job),
      handoffItem(
        env().tableName,
        {
          queue: 'families',
          message: {
            type: 'food.lists.requested',
            tahapId: job.tahapId,
            region,
            jobId: job.jobId,
            requestedAt: at,
          },
        },
        at,
      ),
    ]);
  } catch (error) {
    if (!(error instanceof WriteConflict)) throw error;
    throw new ConflictError('Daftar penyaluran kabupaten/kota ini sedang dibuat; tunggu hingga selesai.', {
      reason: 'FOOD_LISTS_IN_PROGRESS',
    });
  }
  return json(202, foodListsView(job, []) satisfies ResponseBody<'CreateFoodLists', 202>);
});
