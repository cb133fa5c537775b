import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxItem } from '#shared/adapters/outbox.ts';
import { TABLES } from '#shared/resources.ts';
import { type LocalClaims, signLocalToken } from '../../local/auth.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { recipientCsv } from '../support/api.ts';

/**
 * Hand-offs cannot be lost: every SQS send fails for a while (an outage, injected at the relay's SQS
 * client), during which an operator submits, the approver approves and starts a reconciliation
 * run. Each change is accepted and its message waits PENDING in the outbox; nothing
 * reaches a queue. Once sends succeed again the relay delivers every message by itself (no
 * reconciliation run, no re-drive): the checks run, the decree is issued, the run completes.
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

const operator: LocalClaims = {
  sub: 'op-kapuas',
  name: 'Operator Kapuas',
  groups: ['operator'],
  region: REGION,
};
const approver: LocalClaims = { sub: 'sekda-1', name: 'Sekretaris Daerah', groups: ['approver'] };
const auditor: LocalClaims = { sub: 'aud-1', name: 'Inspektorat', groups: ['auditor'] };
const verifier = (opd: string): LocalClaims => ({
  sub: `ver-${opd.toLowerCase()}`,
  name: `Verifikator ${opd}`,
  groups: ['verifier'],
  opd,
});

async function call(
  claims: LocalClaims,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${await signLocalToken(claims)}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const statusOf = async (path: string, claims: LocalClaims = auditor) =>
  (await call(claims, path)).body.status;
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
    const created = await call(operator, '/uploads', { period: PERIOD, filename: 'daftar.csv' });
    expect(created.status).toBe(201);
    const put = await fetch(String(created.body.uploadUrl), {
      method: 'PUT',
      body: recipientCsv(REGION, 12),
    });
    expect(put.status).toBe(200);
    await stack.whenIdle();
    expect(await statusOf(`/uploads/${String(created.body.uploadId)}`, operator)).toBe('COMPLETED');

    // 1. Submit during the outage: accepted, its checks request waits in the outbox.
    sqsOutage = true;
    const submitted = await call(operator, `/proposals/${PROPOSAL}/submit`, {});
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('SUBMITTED');
    const checks = await duringOutage('checks');
    expect(checks.message).toMatchObject({
      type: 'checks.requested',
      proposalId: PROPOSAL,
      trigger: 'submit',
    });
    expect(await statusOf(`/proposals/${PROPOSAL}`)).toBe('SUBMITTED');

    // 2. Sends succeed again: the checks run without anyone re-driving them.
    sqsOutage = false;
    await stack.whenIdle();
    expect(await statusOf(`/proposals/${PROPOSAL}`)).toBe('IN_REVIEW');
    expect(await pending()).toEqual([]);

    for (const opd of ['DINSOS', 'BKAD']) {
      expect(
        (await call(verifier(opd), `/proposals/${PROPOSAL}/reviews`, { decision: 'approve' })).status,
      ).toBe(200);
    }
    expect(await statusOf(`/proposals/${PROPOSAL}`)).toBe('VERIFIED');

    // 3. Approve and request a reconciliation run during a second outage.
    sqsOutage = true;
    const approved = await call(approver, `/proposals/${PROPOSAL}/approval`, { decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('APPROVED');
    const decree = await duringOutage('decree');
    expect(decree.failedSends).toBeGreaterThan(0);
    expect(decree.lastError).toContain('SQS unavailable');
    const run = await call(approver, '/reconciliations', {});
    expect(run.status).toBe(202);
    const runId = String(run.body.runId);
    await duringOutage('reconciliation');
    expect(await statusOf(`/reconciliations/${runId}`)).toBe('QUEUED');
    expect(await statusOf(`/proposals/${PROPOSAL}`)).toBe('APPROVED');

    // 4. Back again: the decree is issued and the run completes, each once.
    sqsOutage = false;
    await stack.whenIdle();
    expect(await statusOf(`/proposals/${PROPOSAL}`)).toBe('DECREED');
    expect(await statusOf(`/reconciliations/${runId}`)).toBe('COMPLETED');
    expect(await pending()).toEqual([]);
    const decrees = await call(approver, '/decrees');
    expect((decrees.body.items as unknown[]).length).toBe(1);
    // The only run is the one requested: nothing was re-driven by a reconciliation.
    const runs = await call(auditor, '/reconciliations');
    expect((runs.body.items as { runId: string }[]).map((item) => item.runId)).toEqual([runId]);
    expect(refusedSends).toBeGreaterThanOrEqual(9);
  });
});
