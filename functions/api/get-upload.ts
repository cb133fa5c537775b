import type { ResponseBody } from '#shared/contract/api.ts';
import { UploadParamsSchema } from '#shared/contract/requests.ts';
import { NotFoundError } from '#shared/errors.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { apiDeps } from './deps-with-objects.ts';
import { routeById } from './routes.ts';

/** `GET /uploads/{uploadId}`: status, progress, counts, reasons and a link to the error report. */
export const handler = apiHandler(routeById('GetUpload'), async ({ event, scope }) => {
  const { uploadId } = parseInput(UploadParamsSchema, event.pathParameters ?? {});
  const { config, uploads, objects } = apiDeps();
  const upload = await uploads.get(uploadId);
  if (!upload) throw new NotFoundError('Unggahan tidak ditemukan.');
  requireRegion(scope, upload.region);

  const reportUrl = upload.reportKey
    ? await objects.presignGet(
        config.documentsBucket,
        upload.reportKey,
        config.presignTtlSeconds,
        `laporan-kesalahan-${uploadId}.csv`,
      )
    : undefined;
  return json(200, {
    uploadId: upload.uploadId,
    region: upload.region,
    period: upload.period,
    filename: upload.filename,
    status: upload.status,
    rowsProcessed: upload.rowsProcessed,
    counts: upload.counts,
    reasons: upload.reasons,
    problems: upload.problems,
    proposalId: upload.proposalId,
    duplicateOf: upload.duplicateOf,
    supersededBy: upload.supersededBy,
    createdAt: upload.createdAt,
    createdBy: upload.createdBy ? { name: upload.createdBy.name } : undefined,
    startedAt: upload.startedAt,
    finishedAt: upload.finishedAt,
    durationMs: upload.durationMs,
    reportUrl,
  } satisfies ResponseBody<'GetUpload', 200>);
});
