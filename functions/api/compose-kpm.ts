import { randomUUID } from 'node:crypto';
import { handoffItem } from '#shared/adapters/outbox.ts';
import { transactWrite, WriteConflict } from '#shared/adapters/transactions.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { ComposeKpmBodySchema } from '#shared/contract/requests.ts';
import { recomposeRefusal } from '#shared/domain/family/kpm.ts';
import { ConflictError } from '#shared/errors.ts';
import { actorOf, requireRegion } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import type { KpmCompose } from '#shared/model.ts';
import { apiDeps, tahapRoutes } from './deps.ts';
import { kpmView } from './get-kpm.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `POST /tahap/{tahapId}/kpm {region}`: queues the composition of the kabupaten's KPM list (202).
 * The request and its job's message (outbox) are one transaction, and one composition of a
 * kabupaten runs at a time. Refused (409) before the tahap's eligibility run is complete, and once
 * the kabupaten's KPM list has been submitted: a list under verification is not recomposed.
 */
export const handler = postHandler(routeById('ComposeKpm'), async ({ event, scope }) => {
  const { region } = parseInput(ComposeKpmBodySchema, jsonBody(event));
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  if (!(region in tahap.snapshots)) {
    throw new ConflictError('Kabupaten/kota ini tidak ikut tahap ini.', { reason: 'REGION_NOT_IN_TAHAP' });
  }
  if (tahap.eligibility?.status !== 'COMPLETED') {
    throw new ConflictError(
      'Pemeriksaan kelayakan tahap ini belum selesai; daftar KPM disusun dari hasilnya.',
      { reason: 'ELIGIBILITY_NOT_COMPLETED' },
    );
  }
  const current = await apiDeps().proposals.getCurrent(region, tahap.tahapId, 'KPM');
  const refusal = recomposeRefusal(current?.status);
  if (current && refusal) {
    throw new ConflictError(refusal, { reason: 'INVALID_STATE', proposalId: current.proposalId });
  }
  const at = new Date().toISOString();
  const compose: KpmCompose = {
    tahapId: tahap.tahapId,
    region,
    composeId: `${at.slice(0, 10)}-${randomUUID().slice(0, 8)}`,
    status: 'QUEUED',
    requestedAt: at,
    requestedBy: actorOf(scope),
  };
  try {
    await transactWrite([
      tahapRoutes().kpm.requestItem(compose),
      handoffItem(
        env().tableName,
        {
          queue: 'families',
          message: {
            type: 'kpm.compose.requested',
            tahapId: compose.tahapId,
            region,
            composeId: compose.composeId,
            requestedAt: at,
          },
        },
        at,
      ),
    ]);
  } catch (error) {
    if (!(error instanceof WriteConflict)) throw error;
    throw new ConflictError('Daftar KPM kabupaten/kota ini sedang disusun; tunggu hingga selesai.', {
      reason: 'COMPOSE_IN_PROGRESS',
    });
  }
  return json(
    202,
    kpmView(tahap.tahapId, region, compose, current) satisfies ResponseBody<'ComposeKpm', 202>,
  );
});
