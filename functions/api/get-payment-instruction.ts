import type { ResponseBody } from '#shared/contract/api.ts';
import { CardRegionQuerySchema } from '#shared/contract/distribution.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { instructionView } from './cash-view.ts';
import { cashRoutes } from './deps.ts';
import { fileLink } from './get-account-request.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `GET /tahap/{tahapId}/payments/instructions?region`: the kabupaten's latest payment instruction
 * file: its id, kind, state, lines and control total, the entitlements waiting for an account,
 * and, once COMPLETED (every line's entitlement moved first), short-lived links to the file and
 * its control file.
 */
export const handler = apiHandler(routeById('GetPaymentInstruction'), async ({ event, scope }) => {
  const { region } = parseInput(CardRegionQuerySchema, event.queryStringParameters ?? {});
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  const record = await cashRoutes().instructions.latest(tahap.tahapId, region);
  const view = instructionView(tahap.tahapId, region, record);
  if (record?.status !== 'COMPLETED' || !record.fileKey || !record.controlKey) {
    return json(200, view satisfies ResponseBody<'GetPaymentInstruction', 200>);
  }
  const [file, control] = await Promise.all([
    fileLink(record.fileKey, `${record.fileId}.csv`),
    fileLink(record.controlKey, `${record.fileId}.kontrol.csv`),
  ]);
  return json(200, { ...view, file, control } satisfies ResponseBody<'GetPaymentInstruction', 200>);
});
