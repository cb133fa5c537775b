import { randomUUID } from 'node:crypto';
import { requestedRunId } from '#shared/adapters/keys.ts';
import type { ResponseBody } from '#shared/contract/api.ts';
import { EmptyBodySchema } from '#shared/contract/requests.ts';
import { whoOf } from '#shared/http/caller.ts';
import { json, jsonBody, parseInput } from '#shared/http/http-handler.ts';
import { postHandler } from '#shared/http/post-handler.ts';
import { ReconciliationRequestedSchema } from '#shared/messages.ts';
import { reconciliations } from './deps.ts';
import { routeById } from './routes.ts';

/**
 * `POST /reconciliations`: starts a run now (202 with its `runId`). The run itself is the same job
 * as the daily one, on the reconciliation queue; `GET /reconciliations/{runId}` follows it.
 */
export const handler = postHandler(routeById('StartReconciliation'), async ({ event, scope }) => {
  parseInput(EmptyBodySchema, event.body ? jsonBody(event) : {});
  const now = new Date();
  const runId = requestedRunId(now, randomUUID().slice(0, 8));
  // The run record and its message in one transaction (the outbox): never QUEUED without a message.
  await reconciliations().requestAndHandOff(
    {
      runId,
      trigger: 'api',
      status: 'QUEUED',
      requestedAt: now.toISOString(),
      requestedBy: whoOf(scope),
      attempt: 0,
    },
    ReconciliationRequestedSchema.parse({ type: 'reconciliation.requested', trigger: 'api', runId }),
  );
  return json(202, { runId, status: 'QUEUED', requestedAt: now.toISOString() } satisfies ResponseBody<
    'StartReconciliation',
    202
  >);
});
