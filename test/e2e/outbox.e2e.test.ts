import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxItem } from '#shared/adapters/outbox.ts';
import { createApiClient } from '#shared/contract/client.ts';
import { TABLES } from '#shared/resources.ts';
import type { LocalClaims } from '../../local/auth.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { recipientCsv } from '../support/api.ts';
import { clientAs, ok, people } from '../support/people.ts';

/**
 * Hand-offs cannot be lost: every SQS send fails for a while (an outage, injected at the relay's SQS
 * client), during which an operator submits, the approver approves and starts a reconciliation
 * run. Each change is accepted and its message waits PENDING in the outbox; nothing
 * reaches a queue. Once sends succeed again the relay delivers every message by itself (no
 * reconciliation run, no re-drive): the checks run, the decree is issued, the run completes.
 * Driven through the typed client of the API contract (`shared/contract/client.ts`).
 */
let stack: LocalStack;
let sqsOutage = false;
let refusedSends = 0;
let pending: () => Promise<OutboxItem[]>;

const REGION = '62.03';
const PERIOD = '2026-S1';
const PROPOSAL = `${REGION}-${PERIOD}`;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, quiet: true, outboxRelay: { intervalMs: 50, maxBackoffMs: 200 } });
  // After the stack set the environment: these modules create their clients on import.
  const { sqsClient } = (await import('#shared/adapters/clients.ts')) as { sqsClient: SQSClient };
  sqsClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (sqsOutage && context.commandName === 'SendMessageCommand') {
        refusedSends++;
        throw Object.assign(new Error('injected outage: SQS unavailable'), { name: 'ServiceUnavailable' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectSqsOutage' },
  );
  const { OutboxRepository } = await import('#shared/adapters/outbox.ts');
  const outbox = new OutboxRepository(TABLES.main.localName);
  pending = () => outbox.pending('9999', 100);
});

afterAll(async () => {
  await stack?.stop();
});

const operator = people.operator(REGION);
const { approver, auditor, verifier } = people;

/** The typed client (from the API contract), as the given person. */
const as = (claims: LocalClaims) => clientAs(stack.apiUrl, claims);

const proposalStatus = async () =>
  ok(await (await as(auditor)).call('GetProposal', { params: { proposalId: PROPOSAL } })).status;
const runStatus = async (runId: string) =>
  ok(await (await as(auditor)).call('GetReconciliation', { params: { runId } })).status;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** During the outage: the relay keeps trying (and failing) while the change waits for it. */
async function duringOutage(queue: OutboxItem['queue']): Promise<OutboxItem> {
  const before = refusedSends;
  for (let waited = 0; refusedSends < before + 3; waited += 50) {
    if (waited > 10_000) throw new Error('the relay never tried to send');
    await sleep(50);
  }
  const items = (await pending()).filter((item) => item.queue === queue);
  expect(items).toHaveLength(1);
  return items[0] as OutboxItem;
}

describe('an SQS outage', () => {
  it('loses no hand-off: submit, approval and a requested run all proceed once sends succeed', async () => {
    const op = await as(operator);
    const created = ok(await op.call('CreateUpload', { body: { period: PERIOD, filename: 'daftar.csv' } }));
    const put = await fetch(created.uploadUrl, { method: 'PUT', body: recipientCsv(REGION, 12) });
    expect(put.status).toBe(200);
    await stack.whenIdle();
    expect(ok(await op.call('GetUpload', { params: { uploadId: created.uploadId } })).status).toBe(
      'COMPLETED',
    );

    // 1. Submit during the outage: accepted, its checks request waits in the outbox.
    sqsOutage = true;
    const submitted = await op.call('SubmitProposal', { params: { proposalId: PROPOSAL }, body: {} });
    expect(submitted.status).toBe(200);
    expect(ok(submitted).status).toBe('SUBMITTED');
    const checks = await duringOutage('checks');
    expect(checks.message).toMatchObject({
      type: 'checks.requested',
      proposalId: PROPOSAL,
      trigger: 'submit',
    });
    expect(await proposalStatus()).toBe('SUBMITTED');

    // 2. Sends succeed again: the checks run without anyone re-driving them.
    sqsOutage = false;
    await stack.whenIdle();
    expect(await proposalStatus()).toBe('IN_REVIEW');
    expect(await pending()).toEqual([]);

    for (const opd of ['DINSOS', 'BKAD']) {
      const review = await (await as(verifier(opd))).call('ReviewProposal', {
        params: { proposalId: PROPOSAL },
        body: { decision: 'approve' },
      });
      expect(review.status).toBe(200);
    }
    expect(await proposalStatus()).toBe('VERIFIED');

    // 3. Approve and request a reconciliation run during a second outage.
    sqsOutage = true;
    const sekda = await as(approver);
    const approved = ok(
      await sekda.call('DecideProposal', { params: { proposalId: PROPOSAL }, body: { decision: 'approve' } }),
    );
    expect(approved.status).toBe('APPROVED');
    const decree = await duringOutage('decree');
    expect(decree.failedSends).toBeGreaterThan(0);
    expect(decree.lastError).toContain('SQS unavailable');
    const run = await sekda.call('StartReconciliation', {});
    expect(run.status).toBe(202);
    const { runId } = ok(run);
    await duringOutage('reconciliation');
    expect(await runStatus(runId)).toBe('QUEUED');
    expect(await proposalStatus()).toBe('APPROVED');

    // 4. Back again: the decree is issued and the run completes, each once.
    sqsOutage = false;
    await stack.whenIdle();
    expect(await proposalStatus()).toBe('DECREED');
    expect(await runStatus(runId)).toBe('COMPLETED');
    expect(await pending()).toEqual([]);
    expect(ok(await sekda.call('ListDecrees', {})).items).toHaveLength(1);
    // The only run is the one requested: nothing was re-driven by a reconciliation.
    const runs = ok(await (await as(auditor)).call('ListReconciliations', {}));
    expect(runs.items.map((item) => item.runId)).toEqual([runId]);
    expect(refusedSends).toBeGreaterThanOrEqual(9);
  });
});

describe('the API contract on the local stack', () => {
  it('GET /openapi.json serves the committed document, with no token', async () => {
    const { readFile } = await import('node:fs/promises');
    const answer = ok(await createApiClient({ baseUrl: stack.apiUrl }).call('OpenApi', {}));
    const { OPENAPI_PATH } = await import('../../scripts/openapi.ts');
    const committed: unknown = JSON.parse(await readFile(OPENAPI_PATH, 'utf8'));
    expect(answer).toEqual(committed);
    expect(Object.keys(answer.paths as object)).toContain('/proposals/{proposalId}/submit');
  });
});
