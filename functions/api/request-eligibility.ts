import { randomUUID } from 'node:crypto';
import { handoffItem } from '#shared/adapters/outbox.ts';
import { env } from '#shared/config/env.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { EmptyBodySchema } from '#shared/contract/requests.ts';
import { GENESIS_HASH, sealEntry } from '#shared/domain/audit.ts';
import { mayRequestEligibility } from '#shared/domain/family/eligibility-summary.ts';
import { ConflictError } from '#shared/errors.ts';
import { actorOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { tahapRoutes } from './deps.ts';
import { loadTahap } from './get-tahap.ts';
import { routeById } from './routes.ts';

/**
 * `POST /tahap/{tahapId}/eligibility`: queues a run (202). The tahap's new run, its audit record and
 * the run's message (outbox) are one transaction: never QUEUED without a message, never two runs at
 * once (unless the last was abandoned: `ABANDONED_RUN_MINUTES`).
 */
export const handler = postHandler(routeById('RequestEligibility'), async ({ event, scope }) => {
  parseInput(EmptyBodySchema, event.body ? jsonBody(event) : {});
  const tahap = await loadTahap(event);
  const now = new Date();
  const allowed = mayRequestEligibility(tahap.status, tahap.eligibility, now);
  if (!allowed.ok) throw new ConflictError(allowed.message, { reason: allowed.reason });

  const at = now.toISOString();
  const runId = `${at.slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const audit = sealEntry({
    entityId: `TAHAP-${tahap.tahapId}`,
    seq: tahap.version + 1,
    at,
    actor: actorOf(scope),
    action: 'ELIGIBILITY_REQUESTED',
    fromStatus: tahap.status,
    toStatus: tahap.status,
    details: { runId },
    prevHash: tahap.lastAuditHash ?? GENESIS_HASH,
  });
  const repo = tahapRoutes().tahap;
  // A lost condition (changed meanwhile, or another run started) is a 409 (TahapChangedError).
  await repo.transact([
    ...repo.requestEligibility(tahap.tahapId, runId, at, tahap.version, audit),
    handoffItem(
      env().tableName,
      {
        queue: 'families',
        message: { type: 'eligibility.requested', tahapId: tahap.tahapId, runId, requestedAt: at },
      },
      at,
    ),
  ]);
  return json(202, {
    tahapId: tahap.tahapId,
    runId,
    status: 'QUEUED',
    requestedAt: at,
  } satisfies ResponseBody<'RequestEligibility', 202>);
});
