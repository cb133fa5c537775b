import type { ResponseBody } from '#shared/contract/api.ts';
import { ImportParamsSchema } from '#shared/contract/requests.ts';
import { NotFoundError } from '#shared/errors.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { familyFiles } from './deps.ts';
import { apiDeps } from './deps-with-objects.ts';
import { importView, PROVINCE, snapshotView } from './import-view.ts';
import { routeById } from './routes.ts';

/** `GET /imports/{importId}`: status, counts, first problems, report link, and a DTSEN file's snapshot. */
export const handler = apiHandler(routeById('GetImport'), async ({ event, scope }) => {
  const { importId } = parseInput(ImportParamsSchema, event.pathParameters ?? {});
  const { imports, snapshots } = familyFiles();
  const record = await imports.get(importId);
  if (!record) throw new NotFoundError('Impor tidak ditemukan.');
  requireRegion(scope, record.region ?? PROVINCE);

  const { config, objects } = apiDeps();
  const reportUrl = record.reportKey
    ? await objects.presignGet(
        config.documentsBucket,
        record.reportKey,
        config.presignTtlSeconds,
        `laporan-kesalahan-${importId}.csv`,
      )
    : undefined;
  const snapshot =
    record.region && record.versionDate ? await snapshots.get(record.region, record.versionDate) : undefined;
  return json(200, {
    ...importView(record),
    reportUrl,
    snapshot: snapshot ? snapshotView(snapshot) : undefined,
  } satisfies ResponseBody<'GetImport', 200>);
});
