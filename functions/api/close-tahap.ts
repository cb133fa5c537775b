import type { ResponseBody } from '#shared/contract/api.ts';
import { CloseTahapBodySchema } from '#shared/contract/requests.ts';
import { GENESIS_HASH, sealEntry } from '#shared/domain/audit.ts';
import { type OpenWork, planClose } from '#shared/domain/family/tahap.ts';
import { ConflictError } from '#shared/errors.ts';
import { actorOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { distributionRoutes, tahapRoutes } from './deps.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';
import { tahapView } from './tahap-view.ts';

/**
 * `POST /tahap/{tahapId}/close {reason}`: the province closes a tahap whose distribution is done
 * (PENYALURAN → SELESAI), in one transaction with its audit record, conditional on the status and
 * version read. Refused (409 `DISTRIBUTION_IN_FLIGHT`, per kabupaten in words) while a kabupaten's
 * distribution is still opening, cash sits at the bank without its report (TUNAI DIKIRIM/DIULANG) or
 * a food package is out without its BAST (PANGAN DIKIRIM/DIULANG): once closed the KPM cash
 * reconciliation stops, so a later answer would never count (`planClose`). Failed payments awaiting
 * a follow-up and entitlements never instructed do not hold it: the close gives them up, and the
 * money view then counts them in the balance to return to the RKUD.
 *
 * Cost: one counting Query per kabupaten and component, the kabupaten side by side (it reads the
 * entitlements but returns counts: ~60 pages for the largest kabupaten).
 */
export const handler = postHandler(routeById('CloseTahap'), async ({ event, scope }) => {
  const { reason } = parseInput(CloseTahapBodySchema, jsonBody(event));
  const tahap = await loadTahap(event);
  const distribution = distributionRoutes();
  const records = tahap.status === 'PENYALURAN' ? await distribution.list(tahap.tahapId) : [];
  const open = await Promise.all(
    records.map(
      async (record): Promise<OpenWork> =>
        record.status === 'OPEN'
          ? {
              region: record.region,
              opening: false,
              cashAwaitingBank: await distribution.countInFlight(tahap.tahapId, record.region, 'TUNAI'),
              foodAwaitingBast: await distribution.countInFlight(tahap.tahapId, record.region, 'PANGAN'),
            }
          : { region: record.region, opening: true, cashAwaitingBank: 0, foodAwaitingBast: 0 },
    ),
  );
  const plan = planClose(tahap.status, open);
  if (!plan.ok) {
    throw new ConflictError(plan.message, {
      reason: plan.reason,
      ...('regions' in plan && plan.regions ? { regions: plan.regions.map((work) => work.region) } : {}),
    });
  }

  const at = new Date().toISOString();
  const actor = actorOf(scope);
  const audit = sealEntry({
    entityId: `TAHAP-${tahap.tahapId}`,
    seq: tahap.version + 1,
    at,
    actor,
    action: 'TAHAP_CLOSED',
    fromStatus: tahap.status,
    toStatus: 'SELESAI',
    reason,
    details: { regions: records.length },
    prevHash: tahap.lastAuditHash ?? GENESIS_HASH,
  });
  const closed = { at, by: { sub: actor.sub, name: actor.name }, reason };
  const repo = tahapRoutes().tahap;
  // A lost condition (closed or changed meanwhile) is a 409 (TahapChangedError).
  await repo.transact(
    repo.statusItems(tahap.tahapId, 'PENYALURAN', 'SELESAI', tahap.version, audit, { closed }),
  );
  return json(
    200,
    tahapView(
      { ...tahap, status: 'SELESAI', version: tahap.version + 1, lastAuditHash: audit.hash, closed },
      scope,
    ) satisfies ResponseBody<'CloseTahap', 200>,
  );
});
