import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ResponseBody } from '#shared/contract/api.ts';
import { TahapParamsSchema } from '#shared/contract/requests.ts';
import { acceptsDistributionWork } from '#shared/domain/family/tahap.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import type { TahapRecord } from '#shared/model.ts';
import { tahapRoutes } from './deps.ts';
import { routeById } from './routes.ts';
import { tahapView } from './tahap-view.ts';

/** The tahap a path names; 404 when there is none. */
export async function loadTahap(event: Pick<APIGatewayProxyEventV2, 'pathParameters'>): Promise<TahapRecord> {
  const { tahapId } = parseInput(TahapParamsSchema, event.pathParameters ?? {});
  const tahap = await tahapRoutes().tahap.get(tahapId);
  if (!tahap) throw new NotFoundError('Tahap tidak ditemukan.');
  return tahap;
}

/** Refuses (409 `TAHAP_CLOSED`) new distribution work on a tahap that is closed (SELESAI) or cancelled. */
export function requireOpenTahap(tahap: Pick<TahapRecord, 'status'>): void {
  const accepting = acceptsDistributionWork(tahap.status);
  if (!accepting.ok) throw new ConflictError(accepting.message, { reason: accepting.reason });
}

/** `GET /tahap/{tahapId}`: the tahap and its latest eligibility run. */
export const handler = apiHandler(routeById('GetTahap'), async ({ event, scope }) =>
  json(200, tahapView(await loadTahap(event), scope) satisfies ResponseBody<'GetTahap', 200>),
);
