import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLambdaContext } from '../../local/lambda.ts';
import { takeBackUndelivered } from '../../local/outbox-relay.ts';
import { importFile, recipientCsv } from '../support/api.ts';
import { purgeQueue, receiveMessages, resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

const env = useEmulatorEnv();
// Modules that create SDK clients at import time come after the environment is set.
const { documentClient, sqsClient } = await import('#shared/adapters/clients.ts');
const { OutboxRepository, handoffItem } = await import('#shared/adapters/outbox.ts');
const { outboxKey } = await import('#shared/adapters/keys.ts');
const { ProposalsRepository, ConcurrentChangeError } = await import('#shared/adapters/proposals-repo.ts');
const { planSubmit } = await import('#shared/domain/workflow.ts');
const { handler } = await import('../../functions/relay/handler.ts');
type RelayEvent = import('../../functions/relay/handler.ts').RelayEvent;
type Handoff = import('#shared/messages.ts').Handoff;

/**
 * The outbox against DynamoDB Local and the SQS emulator: an item is written only with its
 * transaction, the relay sends it (from a stream record or a sweep) and marks it SENT with an expiry,
 * a message that fits no schema is never sent, and a failed send is retried from the stream.
 */
const TABLE = env.TABLE_NAME as string;
const CHECKS_QUEUE = env.CHECKS_QUEUE_URL as string;
const RECONCILIATION_QUEUE = env.RECONCILIATION_QUEUE_URL as string;
const outbox = new OutboxRepository(TABLE);
const operator = { sub: 'op-kobar', name: 'Operator Kobar', role: 'operator' as const };

/** An SQS outage, injected at the relay's client (the emulator itself stays up for the checks). */
let outage = false;
sqsClient.middlewareStack.add(
  (next, context) => async (args) => {
    if (outage && context.commandName === 'SendMessageCommand') throw new Error('injected: SQS unavailable');
    return next(args);
  },
  { step: 'initialize', name: 'injectSqsOutage' },
);

const invoke = (event: RelayEvent) =>
  handler(event, createLambdaContext({ functionName: 'khbs-OutboxRelay', timeoutMs: 30_000 }));

/** A stream record as DynamoDB Streams delivers a new item. */
function streamRecord(item: Record<string, unknown>, sequence: string, eventName = 'INSERT') {
  return {
    eventName,
    dynamodb: {
      SequenceNumber: sequence,
      NewImage: marshall(item, { removeUndefinedValues: true }) as Record<string, never>,
    },
  };
}

async function stored(outboxId: string) {
  const out = await documentClient.send(new GetCommand({ TableName: TABLE, Key: outboxKey(outboxId) }));
  return out.Item;
}

/**
 * Writes the outbox item of `handoff` as a state change's transaction would (`edit` may alter it
 * first), and returns the item.
 */
async function writeHandoff(
  handoff: Handoff,
  edit: (item: Record<string, unknown>) => Record<string, unknown> = (item) => item,
): Promise<Record<string, unknown>> {
  const put = handoffItem(TABLE, handoff, new Date().toISOString()).Put;
  if (!put?.Item) throw new Error('not a Put');
  const item = edit(put.Item);
  await documentClient.send(new PutCommand({ ...put, Item: item }));
  return item;
}

beforeEach(async () => {
  await resetTable();
  await purgeQueue(CHECKS_QUEUE);
  await purgeQueue(RECONCILIATION_QUEUE);
});

describe('the outbox', () => {
  it('is written with the state change, and not at all when the change loses its condition', async () => {
    const list = await importFile('62.01', '2026-S1', recipientCsv('62.01', 3));
    const proposals = new ProposalsRepository(TABLE);
    const draft = await proposals.get(list.proposalId);
    if (!draft) throw new Error('no proposal');
    const now = new Date().toISOString();
    const plan = planSubmit(draft, ['DINSOS'], operator, now);
    const message = {
      type: 'checks.requested' as const,
      proposalId: draft.proposalId,
      listId: String(list.listId),
      trigger: 'submit' as const,
      requestedAt: now,
    };
    await proposals.applyAndHandOff(draft, plan, operator, now, () => [{ queue: 'checks', message }]);
    const [item] = await outbox.pending('9999', 10);
    expect(item).toMatchObject({ queue: 'checks', status: 'PENDING', failedSends: 0, message });

    // The same plan on the stale proposal (version 1 is gone): refused, and no second item.
    await expect(
      proposals.applyAndHandOff(draft, plan, operator, now, () => [{ queue: 'checks', message }]),
    ).rejects.toBeInstanceOf(ConcurrentChangeError);
    expect(await outbox.pending('9999', 10)).toHaveLength(1);
  });

  it('is sent by the sweep, marked SENT with an expiry, and leaves the PENDING index', async () => {
    const written = await writeHandoff({
      queue: 'reconciliation',
      message: { type: 'reconciliation.requested', trigger: 'api', runId: 'run-1' },
    });
    const outboxId = String(written.outboxId);

    // Too young for a sweep that only takes items older than a minute.
    expect(await invoke({ type: 'outbox.sweep', olderThanSeconds: 60 })).toMatchObject({ sent: 0 });
    expect(await invoke({ type: 'outbox.sweep', olderThanSeconds: 0 })).toMatchObject({ sent: 1, failed: 0 });
    const [received] = await receiveMessages(RECONCILIATION_QUEUE, 1);
    expect(JSON.parse(received?.Body ?? '{}')).toEqual({
      type: 'reconciliation.requested',
      trigger: 'api',
      runId: 'run-1',
    });
    const item = await stored(outboxId);
    expect(item).toMatchObject({ status: 'SENT', messageId: received?.MessageId });
    expect(item?.gsi1pk).toBeUndefined();
    const expiresIn = Number(item?.expiresAt) - Date.now() / 1000;
    expect(expiresIn).toBeGreaterThan(6 * 86_400);
    expect(expiresIn).toBeLessThanOrEqual(7 * 86_400);
    expect(await outbox.pending('9999', 10)).toEqual([]);
    // A second sweep sends nothing again.
    expect(await invoke({ type: 'outbox.sweep', olderThanSeconds: 0 })).toMatchObject({ sent: 0 });
  });

  it('sends inserted outbox items from stream records and ignores every other record', async () => {
    const now = new Date().toISOString();
    const message = {
      type: 'checks.requested' as const,
      proposalId: '62.01-2026-S1',
      listId: 'list-1',
      trigger: 'recheck' as const,
      requestedAt: now,
    };
    const item = await writeHandoff({ queue: 'checks', message });
    const result = await invoke({
      Records: [
        streamRecord({ pk: 'PROPOSAL#62.01-2026-S1', sk: 'PROPOSAL', status: 'SUBMITTED' }, '1'),
        streamRecord(item, '2'),
        streamRecord({ ...item, status: 'SENT' }, '3', 'MODIFY'),
      ],
    });
    expect(result).toMatchObject({ sent: 1, failed: 0, batchItemFailures: [] });
    const received = await receiveMessages(CHECKS_QUEUE, 2, 1_500);
    expect(received.map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([message]);
    expect(await stored(String(item.outboxId))).toMatchObject({ status: 'SENT' });
  });

  it('never sends a message that fits no schema of its queue: INVALID, out of the index', async () => {
    // As a future version of a writer might leave it: a field the schema does not know.
    const item = await writeHandoff(
      { queue: 'reconciliation', message: { type: 'reconciliation.requested', trigger: 'api' } },
      (written) => ({ ...written, message: { type: 'reconciliation.requested', when: 'now' } }),
    );
    expect(await invoke({ type: 'outbox.sweep', olderThanSeconds: 0 })).toMatchObject({
      sent: 0,
      invalid: 1,
    });
    expect(await receiveMessages(RECONCILIATION_QUEUE, 1, 1_000)).toEqual([]);
    expect(await stored(String(item.outboxId))).toMatchObject({ status: 'INVALID' });
    expect(await outbox.pending('9999', 10)).toEqual([]);
  });

  it('reports a failed send as a batch item failure, so the stream retries it, and keeps the item PENDING', async () => {
    const item = await writeHandoff({
      queue: 'reconciliation',
      message: { type: 'reconciliation.requested', trigger: 'api', runId: 'run-2' },
    });
    outage = true;
    try {
      const result = await invoke({ Records: [streamRecord(item, '41')] });
      expect(result).toMatchObject({ sent: 0, failed: 1, batchItemFailures: [{ itemIdentifier: '41' }] });
    } finally {
      outage = false;
    }
    expect(await stored(String(item.outboxId))).toMatchObject({
      status: 'PENDING',
      failedSends: 1,
      lastError: expect.stringContaining('injected'),
    });
    expect(await invoke({ Records: [streamRecord(item, '41')] })).toMatchObject({
      sent: 1,
      batchItemFailures: [],
    });
    expect(await outbox.pending('9999', 10)).toEqual([]);
  });

  it('on a local stop, what is still queued goes back to the outbox as PENDING (the emulated SQS keeps nothing)', async () => {
    const now = new Date().toISOString();
    const message = {
      type: 'checks.requested' as const,
      proposalId: '62.01-2026-S1',
      listId: 'list-9',
      trigger: 'submit' as const,
      requestedAt: now,
    };
    const item = await writeHandoff({ queue: 'checks', message });
    expect(await invoke({ type: 'outbox.sweep', olderThanSeconds: 0 })).toMatchObject({ sent: 1 });
    expect(await outbox.pending('9999', 10)).toEqual([]);

    const { testClients } = await import('../support/aws.ts');
    const taken = await takeBackUndelivered(
      testClients().sqs,
      [CHECKS_QUEUE, RECONCILIATION_QUEUE],
      outbox,
      0,
    );
    expect(taken).toBe(1);
    const [again] = await outbox.pending('9999', 10);
    expect(again).toMatchObject({ outboxId: item.outboxId, status: 'PENDING', message });
    expect(again?.sentAt).toBeUndefined();
    // Taken off the queue: nothing is left to take back, and the next sweep sends it once more.
    expect(await takeBackUndelivered(testClients().sqs, [CHECKS_QUEUE], outbox, 0)).toBe(0);
    expect(await invoke({ type: 'outbox.sweep', olderThanSeconds: 0 })).toMatchObject({ sent: 1 });
  });
});
