import type { ResponseBody } from '#shared/contract/api.ts';
import { CreateVervalUploadBodySchema } from '#shared/contract/requests.ts';
import { actorOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { loadTahap } from './get-tahap.ts';
import { awaitImportFile } from './presigned-upload.ts';
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

  const region = body.desa.slice(0, 5);
  const { importId, upload } = await awaitImportFile({
    kind: 'HASIL_VERVAL',
    filename: body.filename,
    createdBy: actorOf(scope),
    facts: { region, tahapId: tahap.tahapId, desaCode: body.desa },
    now: new Date(),
  });
  return json(201, {
    importId,
    kind: 'HASIL_VERVAL',
    region,
    ...upload,
    statusUrl: `/tahap/${tahap.tahapId}/verval-results/${importId}`,
  } satisfies ResponseBody<'CreateVervalUpload', 201>);
});
