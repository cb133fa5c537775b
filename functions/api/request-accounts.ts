import { randomUUID } from 'node:crypto';
import { handoffItem } from '#shared/adapters/outbox.ts';
import { transactWrite, WriteConflict } from '#shared/adapters/transactions.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { AccountRequestBodySchema } from '#shared/contract/distribution.ts';
import { ConflictError } from '#shared/errors.ts';
import { actorOf, requireRegion } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import type { AccountRequestRecord } from '#shared/model.ts';
import { accountRequestView } from './cash-view.ts';
import { cashRoutes, distributionRoutes } from './deps.ts';
import { loadTahap, requireOpenTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `POST /tahap/{tahapId}/accounts/requests {region}`: queues the kabupaten's account-opening request
 * for Bank Kalteng (202). The request and its job's message (outbox) are one transaction, and one
 * request of a kabupaten's tahap runs at a time. Refused (409) before the distribution is OPEN.
 */
export const handler = postHandler(routeById('RequestAccounts'), async ({ event, scope }) => {
  const { region } = parseInput(AccountRequestBodySchema, jsonBody(event));
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  requireOpenTahap(tahap);
  const distribution = await distributionRoutes().get(tahap.tahapId, region);
  if (distribution?.status !== 'OPEN') {
    throw new ConflictError(
      'Penyaluran kabupaten/kota ini belum dibuka: pembukaan rekening diajukan setelah SK KPM terbit.',
      { reason: 'DISTRIBUTION_NOT_OPEN' },
    );
  }
  const at = new Date().toISOString();
  const record: AccountRequestRecord = {
    tahapId: tahap.tahapId,
    region,
    requestId: `${at.slice(0, 10)}-${randomUUID().slice(0, 8)}`,
    status: 'QUEUED',
    requestedAt: at,
    requestedBy: actorOf(scope),
  };
  try {
    await transactWrite([
      cashRoutes().accounts.requestItem(record),
      handoffItem(
        env().tableName,
        {
          queue: 'families',
          message: {
            type: 'accounts.request.requested',
            tahapId: record.tahapId,
            region,
            requestId: record.requestId,
            requestedAt: at,
          },
        },
        at,
      ),
    ]);
  } catch (error) {
    if (!(error instanceof WriteConflict)) throw error;
    throw new ConflictError(
      'Pengajuan pembukaan rekening kabupaten/kota ini sedang dibuat; tunggu hingga selesai.',
      {
        reason: 'REQUEST_IN_PROGRESS',
      },
    );
  }
  return json(
    202,
    accountRequestView(tahap.tahapId, region, record) satisfies ResponseBody<'RequestAccounts', 202>,
  );
});
