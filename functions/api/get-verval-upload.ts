import type { ResponseBody } from '#shared/contract/api.ts';
import { TahapImportParamsSchema } from '#shared/contract/requests.ts';
import { NotFoundError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { familyFiles } from './deps.ts';
import { apiDeps } from './deps-with-objects.ts';
import { importView } from './import-view.ts';
import { routeById } from './routes.ts';
import { requireDesa } from './verval-access.ts';

/**
 * `GET /tahap/{tahapId}/verval-results/{importId}`: a verval result upload's status, counts, first
 * problems and report. A relawan sees only their own uploads (another's is a 404, not a 403: an
 * upload id says nothing about whether it exists).
 */
export const handler = apiHandler(routeById('GetVervalUpload'), async ({ event, scope }) => {
  const { tahapId, importId } = parseInput(TahapImportParamsSchema, event.pathParameters ?? {});
  const record = await familyFiles().imports.get(importId);
  const mine = scope.role !== 'relawan' || record?.createdBy?.sub === scope.sub;
  if (record?.kind !== 'HASIL_VERVAL' || record.tahapId !== tahapId || !record.desaCode || !mine) {
    throw new NotFoundError('Unggahan hasil verval tidak ditemukan.');
  }
  await requireDesa(scope, tahapId, record.desaCode);
  const { config, objects } = apiDeps();
  const reportUrl = record.reportKey
    ? await objects.presignGet(
        config.documentsBucket,
        record.reportKey,
        config.presignTtlSeconds,
        `laporan-kesalahan-verval-${record.desaCode}.csv`,
      )
    : undefined;
  return json(200, { ...importView(record), reportUrl } satisfies ResponseBody<'GetVervalUpload', 200>);
});
