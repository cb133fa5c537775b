import type { ResponseBody } from '#shared/contract/api.ts';
import { RunParamsSchema } from '#shared/contract/requests.ts';
import { NotFoundError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { reconciliations } from './deps.ts';
import { apiDeps } from './deps-with-objects.ts';
import { reconciliationSummary } from './reconciliation-view.ts';
import { routeById } from './routes.ts';

/**
 * `GET /reconciliations/{runId}`: the run's summary per decree (expected, paid, each kind of
 * discrepancy), the proposals it moved to DISBURSED, and presigned links to its report (CSV for Excel, JSON).
 */
export const handler = apiHandler(routeById('GetReconciliation'), async ({ event }) => {
  const { runId } = parseInput(RunParamsSchema, event.pathParameters ?? {});
  const run = await reconciliations().get(runId);
  if (!run) throw new NotFoundError('Rekonsiliasi tidak ditemukan.');
  const { config, objects } = apiDeps();
  const link = (key: string | undefined, filename: string) =>
    key ? objects.presignGet(config.documentsBucket, key, config.presignTtlSeconds, filename) : undefined;
  return json(200, {
    ...reconciliationSummary(run),
    decrees: run.decrees,
    error: run.error,
    reportUrl: await link(run.reportKey, `rekonsiliasi-${run.runId}.csv`),
    jsonUrl: await link(run.jsonKey, `rekonsiliasi-${run.runId}.json`),
  } satisfies ResponseBody<'GetReconciliation', 200>);
});
