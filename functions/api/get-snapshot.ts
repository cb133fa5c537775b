import type { ResponseBody } from '#shared/contract/api.ts';
import { SnapshotParamsSchema } from '#shared/contract/requests.ts';
import { NotFoundError } from '#shared/errors.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { familyFiles } from './deps.ts';
import { apiDeps } from './deps-with-objects.ts';
import { snapshotView } from './import-view.ts';
import { routeById } from './routes.ts';

/** `GET /snapshots/{region}/{versionDate}`: a snapshot, its cross-check and the findings' report. */
export const handler = apiHandler(routeById('GetSnapshot'), async ({ event, scope }) => {
  const { region, versionDate } = parseInput(SnapshotParamsSchema, event.pathParameters ?? {});
  requireRegion(scope, region);
  const snapshot = await familyFiles().snapshots.get(region, versionDate);
  if (!snapshot) throw new NotFoundError('Snapshot DTSEN tidak ditemukan.');
  const { config, objects } = apiDeps();
  const reportKey = snapshot.check?.reportKey;
  const reportUrl = reportKey
    ? await objects.presignGet(
        config.documentsBucket,
        reportKey,
        config.presignTtlSeconds,
        `pemeriksaan-snapshot-${region}-${versionDate}.csv`,
      )
    : undefined;
  return json(200, { ...snapshotView(snapshot), reportUrl } satisfies ResponseBody<'GetSnapshot', 200>);
});
