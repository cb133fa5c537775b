import { randomUUID } from 'node:crypto';
import { importObjectKey } from '#shared/adapters/storage-keys.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { CreateVervalUploadBodySchema } from '#shared/contract/requests.ts';
import { actorOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import type { ImportRecord } from '#shared/model.ts';
import { familyFiles } from './deps.ts';
import { apiDeps } from './deps-with-objects.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';
import { requireDesa } from './verval-access.ts';
import { completedRun } from './verval-families.ts';

/**
 * `POST /tahap/{tahapId}/verval-results` `{ desa, filename }`: a presigned PUT URL for a desa's
 * filled verval sheet; the import (kind HASIL_VERVAL) checks every row against the tahap. A relawan
 * only for a desa assigned to them (checked again when the file is imported).
 */
export const handler = postHandler(routeById('CreateVervalUpload'), async ({ event, scope }) => {
  const tahap = await loadTahap(event);
  const body = parseInput(CreateVervalUploadBodySchema, jsonBody(event));
  await requireDesa(scope, tahap.tahapId, body.desa);
  completedRun(tahap);

  const { config, objects } = apiDeps();
  const importId = randomUUID();
  const extension = body.filename.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
  const s3Key = importObjectKey('HASIL_VERVAL', importId, extension);
  const now = new Date();
  const region = body.desa.slice(0, 5);
  const record: ImportRecord = {
    importId,
    kind: 'HASIL_VERVAL',
    region,
    tahapId: tahap.tahapId,
    desaCode: body.desa,
    filename: body.filename,
    format: extension,
    status: 'AWAITING_FILE',
    createdAt: now.toISOString(),
    createdBy: actorOf(scope),
    s3Key,
    attempts: 0,
    rowsProcessed: 0,
    reasons: [],
  };
  await familyFiles().imports.createAwaiting(record, new Date(now.getTime() + 7 * 24 * 3600 * 1000));
  const uploadUrl = await objects.presignPut(config.uploadsBucket, s3Key, config.presignTtlSeconds);
  return json(201, {
    importId,
    kind: 'HASIL_VERVAL',
    region,
    method: 'PUT',
    uploadUrl,
    expiresAt: new Date(now.getTime() + config.presignTtlSeconds * 1000).toISOString(),
    statusUrl: `/tahap/${tahap.tahapId}/verval-results/${importId}`,
  } satisfies ResponseBody<'CreateVervalUpload', 201>);
});
