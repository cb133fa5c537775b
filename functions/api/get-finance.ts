import type { ResponseBody } from '#shared/contract/api.ts';
import { CardRegionQuerySchema } from '#shared/contract/distribution.ts';
import { FinanceFold, financeTotal } from '#shared/domain/family/finance.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { distributionRoutes } from './deps.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `GET /tahap/{tahapId}/finance?region`: the BKAD money view of a kabupaten's cash (`FinanceFold`
 * over its TUNAI entitlements, as the instruction and the KPM cash reconciliation left them):
 * entitled, never instructed (still in the RKUD), instructed (transferred to the bank), paid net,
 * failed and returned, held at the bank (in flight, short, awaiting a follow-up), and the balance to
 * return to the RKUD. Amounts only: no family is named. One Query of the kabupaten's entitlements
 * (~60 pages of 1 MB for the largest).
 */
export const handler = apiHandler(routeById('GetFinance'), async ({ event, scope }) => {
  const { region } = parseInput(CardRegionQuerySchema, event.queryStringParameters ?? {});
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  const distributionClosed = tahap.status === 'SELESAI';
  const fold = new FinanceFold({ distributionClosed });
  for await (const entitlement of distributionRoutes().entitlements(tahap.tahapId, region, 'TUNAI')) {
    fold.add({
      tahapId: entitlement.tahapId,
      region: entitlement.region,
      component: entitlement.component,
      amount: entitlement.amount,
      status: entitlement.status,
      attempts: entitlement.attempts,
      lastOutcome: entitlement.lastAttempt?.outcome,
      paidAmount: entitlement.paidAmount ?? 0,
      returnedAmount: entitlement.returnedAmount ?? 0,
    });
  }
  return json(200, {
    tahapId: tahap.tahapId,
    region,
    distributionClosed,
    ...financeTotal(fold.rows()),
  } satisfies ResponseBody<'GetFinance', 200>);
});
