import type { ResponseBody } from '#shared/contract/api.ts';
import { CardRegionQuerySchema } from '#shared/contract/distribution.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { accountRequestView } from './cash-view.ts';
import { cashRoutes } from './deps.ts';
import { apiDeps } from './deps-with-objects.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/** A link to a generated file, valid for the configured presign time. */
export async function fileLink(key: string, filename: string) {
  const { config, objects } = apiDeps();
  const downloadUrl = await objects.presignGet(
    config.documentsBucket,
    key,
    config.presignTtlSeconds,
    filename,
  );
  return {
    fileKey: key,
    downloadUrl,
    expiresAt: new Date(Date.now() + config.presignTtlSeconds * 1000).toISOString(),
  };
}

/**
 * `GET /tahap/{tahapId}/accounts/requests?region`: the kabupaten's latest account-opening request
 * (QUEUED, RUNNING, COMPLETED with its counts and a short-lived link to the file, or FAILED with
 * the reason). The file was logged as a bulk read when its job wrote it.
 */
export const handler = apiHandler(routeById('GetAccountRequest'), async ({ event, scope }) => {
  const { region } = parseInput(CardRegionQuerySchema, event.queryStringParameters ?? {});
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  const record = await cashRoutes().accounts.request(tahap.tahapId, region);
  const view = accountRequestView(tahap.tahapId, region, record);
  const file =
    record?.status === 'COMPLETED' && record.fileKey
      ? await fileLink(
          record.fileKey,
          `pembukaan-rekening-${tahap.tahapId}-${region}-${record.requestId}.csv`,
        )
      : undefined;
  return json(200, { ...view, ...(file ? { file } : {}) } satisfies ResponseBody<'GetAccountRequest', 200>);
});
