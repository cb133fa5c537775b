import { FoodRepository } from '#shared/adapters/food-repo.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import type { FoodListJob } from '#shared/model.ts';

let food: FoodRepository | undefined;

/** The food routes' adapter (lists jobs, BAST findings), built once per container. */
export function foodRoutes(): FoodRepository {
  food ??= new FoodRepository(env().tableName);
  return food;
}

type FoodListsView = ResponseBody<'GetFoodLists', 200>;

/** The job as people see it (who asked by name and id; no file yet when queued). */
export function foodListsView(job: FoodListJob, files: FoodListsView['files']): FoodListsView {
  return {
    tahapId: job.tahapId,
    region: job.region,
    job: {
      jobId: job.jobId,
      status: job.status,
      requestedAt: job.requestedAt,
      requestedBy: { sub: job.requestedBy.sub, name: job.requestedBy.name },
      ...(job.startedAt ? { startedAt: job.startedAt } : {}),
      ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
      ...(job.error ? { error: job.error } : {}),
      ...(job.counts ? { counts: job.counts } : {}),
    },
    files,
  };
}
