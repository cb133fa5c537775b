import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { PublicationRecord } from '#shared/adapters/complaints-repo.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { CreatePublicationBodySchema, TahapParamsSchema } from '#shared/contract/requests.ts';
import { newPublicationId, publicationWindowProblem } from '#shared/domain/complaints.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { BadRequestError, ConflictError, NotFoundError } from '#shared/errors.ts';
import { requireRegion, whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { logger } from '#shared/logger.ts';
import { complaintDeps } from './complaint-view.ts';
import { apiDeps, tahapRoutes } from './deps.ts';
import { routeById } from './routes.ts';

/**
 * `POST /tahap/{tahapId}/kpm/publications` `{desaCode, until}`: publishes a desa's families of the
 * kabupaten's current KPM list for objections (sanggahan) until a day (WIB, at most 30 days). The
 * published item holds the penerima's names and NIKs masked as they are at this moment, nothing
 * else: the public page reads only it. 409 when the kabupaten has no KPM list for the tahap yet, or
 * the desa has no family on it.
 */
export const handler = postHandler(routeById('CreatePublication'), async ({ event, scope }) => {
  const { tahapId } = parseInput(TahapParamsSchema, event.pathParameters ?? {});
  const body = parseInput(CreatePublicationBodySchema, jsonBody(event));
  const region = body.desaCode.slice(0, 5);
  requireRegion(scope, region);
  const now = new Date();
  const problem = publicationWindowProblem(body.until, now);
  if (problem) throw new BadRequestError('Permintaan tidak valid.', [{ path: 'until', message: problem }]);
  if (!(await tahapRoutes().tahap.get(tahapId))) throw new NotFoundError('Tahap tidak ditemukan.');

  const { proposals, recipients } = apiDeps();
  const proposal = await proposals.getCurrent(region, tahapId, 'KPM');
  const listId = proposal?.currentListId;
  if (!proposal || !listId) {
    throw new ConflictError('Daftar KPM kabupaten/kota ini untuk tahap tersebut belum disusun.', {
      reason: 'NO_KPM_LIST',
    });
  }
  // The kabupaten's list is read once (up to ~60,000 rows, streamed); the desa's rows are kept.
  const entries: PublicationRecord['entries'] = [];
  for await (const { recipient } of recipients.stream(listId)) {
    if (recipient.desaCode === body.desaCode)
      entries.push({ nama: recipient.nama, nik: maskNik(recipient.nik) });
  }
  if (entries.length === 0) {
    throw new ConflictError('Tidak ada keluarga desa ini dalam daftar KPM yang berlaku.', {
      reason: 'EMPTY_DESA',
    });
  }
  entries.sort((a, b) => a.nama.localeCompare(b.nama, 'id'));
  const record: PublicationRecord = {
    publicationId: newPublicationId(),
    tahapId,
    region,
    desaCode: body.desaCode,
    proposalId: proposal.proposalId,
    listId,
    until: body.until,
    createdAt: now.toISOString(),
    createdBy: whoOf(scope),
    entries,
  };
  try {
    await complaintDeps().complaints.createPublication(record);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      throw new ConflictError('Coba lagi.', { reason: 'ID_TAKEN' });
    throw error;
  }
  logger.info('KPM list published for objections', {
    publicationId: record.publicationId,
    tahapId,
    desaCode: body.desaCode,
    families: entries.length,
  });
  return json(201, {
    publicationId: record.publicationId,
    tahapId,
    region,
    desaCode: body.desaCode,
    until: body.until,
    families: entries.length,
  } satisfies ResponseBody<'CreatePublication', 201>);
});
