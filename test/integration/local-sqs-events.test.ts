import { createHash, randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaHandler } from '../../local/lambda.ts';
import {
  type BatchOutcome,
  failuresFrom,
  SqsEventSource,
  type SqsEventSourceOptions,
} from '../../local/sqs-events.ts';
import { receiveMessages, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The local SQS event source against fauxqs, with stub handlers and queues of its own (each test
 * creates a queue with a dead-letter queue and a small maxReceiveCount), never the product queues.
 */

interface TestQueue {
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
  readonly maxReceiveCount: number;
}

interface Call {
  readonly event: SQSEvent;
  readonly context: Context;
  readonly remainingMs: number;
}

let created: string[] = [];
let sources: SqsEventSource[] = [];

beforeAll(() => {
  useEmulatorEnv();
});

afterEach(async () => {
  await Promise.all(sources.map((source) => source.stop()));
  sources = [];
  const { sqs } = testClients();
  await Promise.all(created.map((url) => sqs.send(new DeleteQueueCommand({ QueueUrl: url }))));
  created = [];
});

async function createTestQueue(
  options: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number } = {},
): Promise<TestQueue> {
  const { sqs } = testClients();
  const name = `khbs-test-${randomUUID().slice(0, 8)}`;
  const maxReceiveCount = options.maxReceiveCount ?? 2;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqUrl = dlq.QueueUrl as string;
  created.push(dlqUrl);
  const dlqArn = await queueAttribute(dlqUrl, 'QueueArn');
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      },
    }),
  );
  const url = queue.QueueUrl as string;
  created.push(url);
  return { url, arn: await queueAttribute(url, 'QueueArn'), dlqUrl, maxReceiveCount };
}

async function queueAttribute(url: string, name: 'QueueArn' | 'VisibilityTimeout'): Promise<string> {
  const out = await testClients().sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [name] }),
  );
  const value = out.Attributes?.[name];
  if (value === undefined) throw new Error(`no ${name} for ${url}`);
  return value;
}

/** Messages visible, in flight and delayed. */
async function depth(url: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const out = await testClients().sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const count = (name: QueueAttributeName) => Number(out.Attributes?.[name] ?? Number.NaN);
  return {
    visible: count('ApproximateNumberOfMessages'),
    inFlight: count('ApproximateNumberOfMessagesNotVisible'),
    delayed: count('ApproximateNumberOfMessagesDelayed'),
  };
}

async function send(url: string, ...bodies: string[]): Promise<string[]> {
  const out = await testClients().sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
    }),
  );
  expect(out.Failed ?? []).toEqual([]);
  return (out.Successful ?? []).map((entry) => entry.MessageId as string);
}

/** A stub worker that records every call and answers with `behaviour`. */
function recorder(
  behaviour: (call: Call) => Promise<SQSBatchResponse | undefined> | SQSBatchResponse | undefined,
) {
  const calls: Call[] = [];
  const handler: LambdaHandler<SQSEvent> = async (event, context) => {
    const call = { event, context, remainingMs: context.getRemainingTimeInMillis() };
    calls.push(call);
    return behaviour(call);
  };
  const records = (): SQSRecord[] => calls.flatMap((call) => call.event.Records);
  return { calls, handler, records };
}

async function startSource(
  queue: TestQueue,
  options: Partial<SqsEventSourceOptions> & Pick<SqsEventSourceOptions, 'handler'>,
): Promise<{ source: SqsEventSource; outcomes: BatchOutcome[] }> {
  const outcomes: BatchOutcome[] = [];
  const source = new SqsEventSource({
    queueUrl: queue.url,
    sqs: testClients().sqs,
    functionName: 'khbs-test-worker',
    visibilityTimeoutSeconds: 1,
    concurrency: 1,
    log: () => {},
    onBatch: (outcome) => outcomes.push(outcome),
    ...options,
  });
  sources.push(source);
  await source.start();
  return { source, outcomes };
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

describe('SqsEventSource', () => {
  it('delivers a batch as a well-formed SQSEvent and deletes it when the handler succeeds', async () => {
    const queue = await createTestQueue({ visibilityTimeoutSeconds: 1 });
    const { sqs } = testClients();
    const ids = await send(queue.url, '{"n":1}', '{"n":2}');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"n":3}',
        MessageAttributes: {
          trigger: { DataType: 'String', StringValue: 'submit' },
          raw: { DataType: 'Binary', BinaryValue: Buffer.from('khbs') },
        },
      }),
    );
    const { calls, handler } = recorder(() => undefined);
    // No visibility timeout given: the queue's own (1 s) applies.
    const { source } = await startSource(queue, {
      handler,
      visibilityTimeoutSeconds: undefined,
      timeoutMs: 60_000,
    });
    expect(source.visibilityTimeoutSeconds).toBe(1);
    expect(source.queueArn).toBe(queue.arn);
    await source.whenIdle({ timeoutMs: 10_000 });

    expect(calls).toHaveLength(1);
    const [call] = calls as [Call];
    expect(call.event.Records.map((r) => r.body)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(call.event.Records.slice(0, 2).map((r) => r.messageId)).toEqual(ids);
    const sentAround = Date.now();
    for (const record of call.event.Records) {
      expect(Object.keys(record).sort()).toEqual(
        [
          'messageId',
          'receiptHandle',
          'body',
          'attributes',
          'messageAttributes',
          'md5OfBody',
          'eventSource',
          'eventSourceARN',
          'awsRegion',
          ...(record.body === '{"n":3}' ? ['md5OfMessageAttributes'] : []),
        ].sort(),
      );
      expect(record).toMatchObject({
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: 'us-east-1',
        md5OfBody: md5(record.body),
      });
      expect(record.messageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(record.receiptHandle).not.toBe('');
      expect(record.attributes.ApproximateReceiveCount).toBe('1');
      expect(record.attributes.SenderId).not.toBe('');
      for (const stamp of [
        record.attributes.SentTimestamp,
        record.attributes.ApproximateFirstReceiveTimestamp,
      ]) {
        expect(stamp).toMatch(/^\d{13}$/);
        expect(Math.abs(Number(stamp) - sentAround)).toBeLessThan(60_000);
      }
    }
    expect(call.event.Records[0]?.messageAttributes).toEqual({});
    // Lambda's form of message attributes: lower camel case, binary as base64.
    expect(call.event.Records[2]?.messageAttributes).toEqual({
      trigger: { stringValue: 'submit', stringListValues: [], binaryListValues: [], dataType: 'String' },
      raw: {
        binaryValue: Buffer.from('khbs').toString('base64'),
        stringListValues: [],
        binaryListValues: [],
        dataType: 'Binary',
      },
    });
    expect(call.context.functionName).toBe('khbs-test-worker');
    expect(call.remainingMs).toBeGreaterThan(59_000);
    expect(call.remainingMs).toBeLessThanOrEqual(60_000);

    expect(await depth(queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(source.invocations).toBe(1);
  });

  it('takes at most batchSize records per invocation', async () => {
    const queue = await createTestQueue();
    await send(queue.url, 'a', 'b', 'c', 'd', 'e');
    const { calls, handler, records } = recorder(() => ({ batchItemFailures: [] }));
    const { source } = await startSource(queue, { handler, batchSize: 2 });
    await source.whenIdle({ timeoutMs: 10_000 });
    expect(calls.every((call) => call.event.Records.length <= 2)).toBe(true);
    expect(
      records()
        .map((r) => r.body)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await depth(queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('deletes the records not in batchItemFailures; a failing record comes back, then lands in the DLQ', async () => {
    const queue = await createTestQueue({ maxReceiveCount: 2 });
    const [, badId] = await send(queue.url, 'ok-1', 'bad', 'ok-2');
    const { handler, records } = recorder(({ event }) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({
        itemIdentifier: r.messageId,
      })),
    }));
    const { source, outcomes } = await startSource(queue, { handler });

    // The first batch: two deleted at once, the failed one left in flight.
    await expect.poll(() => outcomes.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    expect(outcomes[0]).toMatchObject({ failed: [badId] });
    expect([...(outcomes[0]?.deleted ?? [])].sort()).toHaveLength(2);
    expect(await depth(queue.url)).toMatchObject({ visible: 0, inFlight: 1 });

    await source.whenIdle({ timeoutMs: 15_000 });
    // Received maxReceiveCount times, each after the visibility timeout, then moved by the redrive
    // policy (fauxqs moves it on the next receive, as SQS does).
    const bad = records().filter((r) => r.body === 'bad');
    expect(bad.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(bad.every((r) => r.messageId === badId)).toBe(true);
    expect(records().filter((r) => r.body.startsWith('ok-'))).toHaveLength(2);

    expect(await depth(queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    const inDlq = await receiveMessages(queue.dlqUrl, 1);
    expect(inDlq.map((m) => [m.MessageId, m.Body])).toEqual([[badId, 'bad']]);
  });

  it('leaves the whole batch when the handler throws, and retries it after the visibility timeout', async () => {
    const queue = await createTestQueue({ maxReceiveCount: 3 });
    const ids = await send(queue.url, 'one', 'two');
    const { calls, handler } = recorder((call) => {
      if (calls.indexOf(call) === 0) {
        throw new Error('tabel sedang sibuk');
      }
      return undefined;
    });
    const { source, outcomes } = await startSource(queue, { handler });
    await expect.poll(() => outcomes.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    expect(outcomes[0]).toMatchObject({ deleted: [], error: 'Error: tabel sedang sibuk' });
    expect([...(outcomes[0]?.failed ?? [])].sort()).toEqual([...ids].sort());
    expect(await depth(queue.url)).toMatchObject({ visible: 0, inFlight: 2 });

    await source.whenIdle({ timeoutMs: 10_000 });
    const retried = calls.slice(1).flatMap((call) => call.event.Records);
    expect(retried.map((r) => r.messageId).sort()).toEqual([...ids].sort());
    expect(retried.every((r) => r.attributes.ApproximateReceiveCount === '2')).toBe(true);
    expect(await depth(queue.url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(await receiveMessages(queue.dlqUrl, 1, 300)).toEqual([]);
  });

  it('fails the whole batch on a malformed response, and on a timeout', async () => {
    const queue = await createTestQueue({ maxReceiveCount: 5 });
    await send(queue.url, 'x');
    let attempt = 0;
    const { handler } = recorder(async () => {
      attempt += 1;
      if (attempt === 1) return { batchItemFailures: [{ itemIdentifier: 'no-such-message' }] };
      if (attempt === 2) await new Promise((resolve) => setTimeout(resolve, 400));
      return undefined;
    });
    const { source, outcomes } = await startSource(queue, { handler, timeoutMs: 200 });
    await source.whenIdle({ timeoutMs: 10_000 });
    expect(outcomes.map((o) => o.error ?? 'ok')).toEqual([
      'batchItemFailures names no-such-message, which is not in the batch',
      'Sandbox.Timedout: Task timed out after 0.20 seconds',
      'ok',
    ]);
  });

  it('keeps a batch hidden while its handler runs past the visibility timeout', async () => {
    const queue = await createTestQueue();
    await send(queue.url, 'slow');
    const { calls, handler } = recorder(async () => {
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      return undefined;
    });
    // Two pollers and a 1 s visibility timeout: without the extension, the second poller would
    // receive the message again while the first invocation still runs.
    const { source } = await startSource(queue, { handler, concurrency: 2 });
    await source.whenIdle({ timeoutMs: 10_000 });
    expect(calls).toHaveLength(1);
  });

  it('stop() ends polling: a message sent afterwards stays on the queue', async () => {
    const queue = await createTestQueue();
    const { calls, handler } = recorder(() => undefined);
    const { source } = await startSource(queue, { handler, concurrency: 2 });
    await send(queue.url, 'before');
    await source.whenIdle({ timeoutMs: 5_000 });
    expect(calls).toHaveLength(1);

    const stopping = Date.now();
    await source.stop();
    // Receives in progress end within their wait (1 s).
    expect(Date.now() - stopping).toBeLessThan(2_000);
    await send(queue.url, 'after');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(calls).toHaveLength(1);
    expect(await depth(queue.url)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    // Stopping twice is harmless, and a stopped source is idle.
    await source.stop();
    await source.whenIdle();
  });
});

describe('failuresFrom (Lambda rules for ReportBatchItemFailures)', () => {
  const batch = new Set(['m1', 'm2']);
  it('treats no response, an empty one or an empty list as complete success', () => {
    for (const result of [
      undefined,
      null,
      {},
      { batchItemFailures: [] },
      { batchItemFailures: null },
      'done',
    ]) {
      expect(failuresFrom(result, batch)).toEqual(new Set());
    }
  });
  it('returns the reported message ids', () => {
    expect(failuresFrom({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, batch)).toEqual(new Set(['m2']));
  });
  it('refuses a malformed response: the whole batch then fails', () => {
    for (const result of [
      { batchItemFailures: 'm1' },
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ itemIdentifier: null }] },
      { batchItemFailures: [{ messageId: 'm1' }] },
      { batchItemFailures: ['m1'] },
      { batchItemFailures: [{ itemIdentifier: 'm3' }] },
    ]) {
      expect(typeof failuresFrom(result, batch), JSON.stringify(result)).toBe('string');
    }
  });
});
