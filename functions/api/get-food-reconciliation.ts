import type { ResponseBody } from '#shared/contract/api.ts';
import { CardRegionQuerySchema } from '#shared/contract/distribution.ts';
import { formatRupiah } from '#shared/domain/decree.ts';
import { FoodReconciliation, packageLabel } from '#shared/domain/family/food.ts';
import { foodPackageOf } from '#shared/domain/family/food-package.ts';
import { desaName } from '#shared/domain/wilayah.ts';
import { ConflictError } from '#shared/errors.ts';
import { requireRegion } from '#shared/http/caller.ts';
import { apiHandler, json, parseInput } from '#shared/http/http-handler.ts';
import { distributionRoutes } from './deps.ts';
import { foodRoutes } from './food-deps.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

type View = ResponseBody<'GetFoodReconciliation', 200>;

/**
 * `GET /tahap/{tahapId}/food/reconciliation?region`: the kabupaten's food per titik bagi (desa) and
 * the basis of BULOG's invoice, folded (`FoodReconciliation`) from its PANGAN entitlements (the PANGAN
 * half of the entitlement partition: ~60,000 items of ~500 B at the largest kabupaten, ~30 MB,
 * ~3,750 read units, a few seconds) and its stored BAST findings; it keeps one tally per desa,
 * nothing per family. Counts, references and masked NIKs only: no name.
 */
export const handler = apiHandler(routeById('GetFoodReconciliation'), async ({ event, scope }) => {
  const { region } = parseInput(CardRegionQuerySchema, event.queryStringParameters ?? {});
  requireRegion(scope, region);
  const tahap = await loadTahap(event);
  const opened = await distributionRoutes().get(tahap.tahapId, region);
  const pkg = foodPackageOf(tahap);
  if (opened?.status !== 'OPEN' || !pkg) {
    throw new ConflictError('Penyaluran pangan kabupaten/kota ini pada tahap ini belum dibuka.', {
      reason: 'DISTRIBUTION_NOT_OPEN',
    });
  }
  const fold = new FoodReconciliation(pkg);
  for await (const entitlement of distributionRoutes().entitlements(tahap.tahapId, region, 'PANGAN')) {
    fold.add({
      desaCode: entitlement.desaCode,
      status: entitlement.status,
      amount: entitlement.amount,
      receiver: entitlement.handover?.receiver,
      reason: entitlement.notReceived?.reason,
      withPhoto: entitlement.status === 'DITERIMA' ? entitlement.handover?.foto !== undefined : undefined,
    });
  }
  const findings: View['findings'] = [];
  for await (const finding of foodRoutes().findings(tahap.tahapId, region)) {
    fold.addFinding(finding.code, { region, ...(finding.desaCode ? { desaCode: finding.desaCode } : {}) });
    findings.push({
      code: finding.code,
      label: finding.label,
      detail: finding.detail,
      ...(finding.desaCode ? { desaCode: finding.desaCode } : {}),
      importId: finding.importId,
      sourceRow: finding.sourceRow,
      foundAt: finding.foundAt,
    });
  }
  const invoice = fold.invoice().find((basis) => basis.region === region) ?? {
    region,
    titikBagi: 0,
    packagesEntitled: 0,
    packagesDelivered: 0,
    packagesNotReceived: 0,
    packagesNotReported: 0,
    findings: 0,
    price: pkg.price,
    total: 0,
    totalLabel: formatRupiah(0),
  };
  return json(200, {
    tahapId: tahap.tahapId,
    region,
    package: { label: packageLabel(pkg), price: pkg.price, items: pkg.items },
    titikBagi: fold
      .titikBagi()
      .map((tally) => ({ ...tally, desaName: desaName(tally.desaCode) ?? tally.desaCode })),
    invoice,
    findings,
  } satisfies View);
});
