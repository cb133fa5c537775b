import { randomUUID } from 'node:crypto';
import { uploadObjectKey } from '#shared/adapters/storage-keys.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { CreateUploadBodySchema } from '#shared/contract/requests.ts';
import { isClosed, isEditable, STATUS_LABEL } from '#shared/domain/proposal.ts';
import { resolveRegion } from '#shared/domain/wilayah.ts';
import { BadRequestError, ConflictError } from '#shared/errors.ts';
import { actorOf, ownRegion, requireRegion } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { apiDeps } from './deps-with-objects.ts';
import { awaitingFileExpiry, presignedPut } from './presigned-upload.ts';
import { routeById } from './routes.ts';

/**
 * `POST /uploads`: a presigned PUT URL for the caller's region and the period. Refused at once (409)
 * when that region's proposal for the period is no longer a draft, so nobody uploads for nothing.
 */
export const handler = postHandler(routeById('CreateUpload'), async ({ event, scope }) => {
  const body = parseInput(CreateUploadBodySchema, jsonBody(event));
  // An admin names the region; an operator may name only their own (another one is a 403).
  const region = body.region === undefined ? ownRegion(scope) : resolveRegion(body.region);
  if (!region) {
    throw new BadRequestError(
      body.region === undefined
        ? 'Sebutkan kabupaten/kota tujuan unggahan (region).'
        : 'Kabupaten/kota tujuan unggahan tidak dikenal.',
    );
  }
  requireRegion(scope, region);

  const { uploads, proposals } = apiDeps();
  const current = await proposals.getCurrent(region, body.period);
  if (current && !isEditable(current.status) && !isClosed(current.status)) {
    throw new ConflictError(
      `Usulan ${current.proposalId} sudah berstatus "${STATUS_LABEL[current.status]}"; daftar tidak dapat diganti.`,
      { proposalId: current.proposalId, status: current.status },
    );
  }

  const uploadId = randomUUID();
  const extension = body.filename.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
  const key = uploadObjectKey(region, body.period, uploadId, extension);
  const now = new Date();
  await uploads.createAwaiting(
    {
      uploadId,
      region,
      period: body.period,
      filename: body.filename,
      format: extension,
      status: 'AWAITING_FILE',
      createdAt: now.toISOString(),
      createdBy: actorOf(scope),
      s3Key: key,
      attempts: 0,
      rowsProcessed: 0,
      reasons: [],
    },
    // An upload record that never gets its file disappears after a week.
    awaitingFileExpiry(now),
  );
  return json(201, {
    uploadId,
    region,
    period: body.period,
    ...(await presignedPut(key, now)),
    statusUrl: `/uploads/${uploadId}`,
  } satisfies ResponseBody<'CreateUpload', 201>);
});
