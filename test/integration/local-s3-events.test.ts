import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, S3Event } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '#shared/queue/s3-worker.ts';
import { BUCKETS, PREFIXES, QUEUES } from '#shared/resources.ts';
import { startLoopbackFauxqs } from '../../local/emulators.ts';
import type { LambdaHandler } from '../../local/lambda.ts';
import {
  type DestinationFailureRecord,
  S3EventSource,
  type S3EventSourceOptions,
} from '../../local/s3-events.ts';
import { emptyBucket, purgeQueue, receiveMessages, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

const bucket = BUCKETS.uploads.localName;
let failureQueueUrl: string;
let sources: S3EventSource[] = [];

interface Call {
  readonly event: S3Event;
  readonly context: Context;
  readonly remainingMs: number;
}

/** A stub import function that records its calls and optionally throws. */
function recorder(behaviour: (call: Call) => Promise<void> | void = () => {}) {
  const calls: Call[] = [];
  const handler: LambdaHandler<S3Event> = async (event, context) => {
    const call = { event, context, remainingMs: context.getRemainingTimeInMillis() };
    calls.push(call);
    await behaviour(call);
  };
  return { calls, handler };
}

async function startSource(options: Partial<S3EventSourceOptions> & Pick<S3EventSourceOptions, 'handler'>) {
  const { s3, sqs } = testClients();
  const source = new S3EventSource({
    bucket,
    prefix: PREFIXES.uploads,
    s3,
    sqs,
    failureQueueUrl,
    retryDelayMs: 10,
    log: () => {},
    ...options,
  });
  sources.push(source);
  await source.start();
  return source;
}

async function put(key: string, body: string): Promise<string> {
  const result = await testClients().s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return (result.ETag ?? '').replaceAll('"', '');
}

beforeAll(() => {
  const env = useEmulatorEnv();
  failureQueueUrl = env[QUEUES.importFailures.envVar] as string;
});

beforeEach(async () => {
  await emptyBucket(bucket);
  await purgeQueue(failureQueueUrl);
});

afterEach(async () => {
  await Promise.all(sources.map((source) => source.stop()));
  sources = [];
});

describe('S3EventSource', () => {
  it('invokes the handler once per new object, with a well-formed S3 event', async () => {
    const { calls, handler } = recorder();
    const source = await startSource({ handler, timeoutMs: 60_000 });
    const key = 'uploads/62.03/2026-S1/daftar penerima (final).csv';
    const eTag = await put(key, 'nik,nama\n');
    await source.whenIdle();

    expect(calls).toHaveLength(1);
    const [call] = calls as [Call];
    expect(call.event.Records).toHaveLength(1);
    const record = call.event.Records[0];
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { key: 'uploads/62.03/2026-S1/daftar+penerima+%28final%29.csv', size: 9, eTag },
      },
    });
    expect(record?.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
    expect(record?.s3.object.sequencer).toMatch(/^[0-9A-F]{16,}$/);
    expect(new Date(record?.eventTime ?? '').toISOString()).toBe(record?.eventTime);
    // How a handler reads the key back.
    expect(decodeURIComponent((record?.s3.object.key ?? '').replaceAll('+', ' '))).toBe(key);

    expect(call.context.functionName).toBe('khbs-import-upload');
    expect(call.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(call.remainingMs).toBeGreaterThan(59_000);
    expect(call.remainingMs).toBeLessThanOrEqual(60_000);

    // A second object: one more invocation. An unchanged listing: none.
    await put('uploads/62.03/2026-S1/kedua.csv', 'x');
    await source.whenIdle();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.event.Records[0]?.s3.object.key).toBe('uploads/62.03/2026-S1/kedua.csv');
    expect(await source.scan()).toBe(0);
    await source.whenIdle();
    expect(calls).toHaveLength(2);
    // Sequencers grow from one event to the next.
    const sequencers = calls.map((c) => BigInt(`0x${c.event.Records[0]?.s3.object.sequencer}`));
    expect(sequencers[1]).toBeGreaterThan(sequencers[0] as bigint);
  });

  it('announces a new version of a key (new ETag) and a key put again after deletion', async () => {
    const { calls, handler } = recorder();
    const source = await startSource({ handler });
    const key = 'uploads/62.10/2026/u1.csv';
    await put(key, 'v1');
    await source.whenIdle();
    await put(key, 'v2');
    await source.whenIdle();
    await put(key, 'v2'); // same content, same ETag: nothing new
    await source.whenIdle();
    expect(calls).toHaveLength(2);

    await testClients().s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await source.scan();
    await put(key, 'v2');
    await source.whenIdle();
    expect(calls).toHaveLength(3);
  });

  it('ignores objects outside the prefix and objects that existed before it started', async () => {
    await put('uploads/62.01/2026/before.csv', 'old');
    const { calls, handler } = recorder();
    const source = await startSource({ handler });
    await put('disbursements/2026-03-01/bank.csv', 'not an upload');
    await put('uploads/62.01/2026/after.csv', 'new');
    await source.whenIdle();
    expect(calls.map((c) => c.event.Records[0]?.s3.object.key)).toEqual(['uploads/62.01/2026/after.csv']);
  });

  it('notices an upload promptly through the fauxqs spy, without waiting for a poll', async () => {
    // The shared emulators' spy lives in Vitest's main process, so this test brings its own fauxqs.
    const fauxqs = await startLoopbackFauxqs();
    const s3 = new S3Client({ endpoint: fauxqs.endpoint, forcePathStyle: true });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      let notify: () => void = () => {};
      const invoked = new Promise<void>((resolve) => {
        notify = resolve;
      });
      const { handler } = recorder(() => notify());
      // Polling every minute: only the spy can explain an invocation within a second.
      await startSource({ handler, s3, spy: fauxqs.spy, pollIntervalMs: 60_000 });
      const started = Date.now();
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'uploads/62.03/2026/prompt.csv', Body: 'x' }),
      );
      await invoked;
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await Promise.all(sources.map((source) => source.stop()));
      sources = [];
      s3.destroy();
      await fauxqs.stop();
    }
  });

  it('notices uploads by polling alone', async () => {
    let notify: () => void = () => {};
    const invoked = new Promise<void>((resolve) => {
      notify = resolve;
    });
    const { calls, handler } = recorder(() => notify());
    await startSource({ handler, pollIntervalMs: 50 });
    await put('uploads/62.03/2026/polled.csv', 'x');
    await invoked;
    expect(calls).toHaveLength(1);
  });

  it('retries a failing handler twice, then sends a destination record to the failure queue', async () => {
    const { calls, handler } = recorder(() => {
      throw new TypeError('file tidak bisa dibaca');
    });
    const source = await startSource({ handler });
    await put('uploads/62.03/2026-S1/rusak.csv', 'garbage');
    await source.whenIdle();

    expect(calls).toHaveLength(3);
    // Retries of one asynchronous event keep its request id.
    expect(new Set(calls.map((c) => c.context.awsRequestId)).size).toBe(1);

    const messages = await receiveMessages(failureQueueUrl, 1);
    expect(messages).toHaveLength(1);
    const record = JSON.parse(messages[0]?.Body ?? '{}') as DestinationFailureRecord;
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        requestId: calls[0]?.context.awsRequestId,
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:khbs-import-upload:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: calls[0]?.event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'TypeError', errorMessage: 'file tidak bisa dibaca' },
    });
    expect(new Date(record.timestamp).toISOString()).toBe(record.timestamp);
    await testClients().sqs.send(
      new DeleteMessageCommand({ QueueUrl: failureQueueUrl, ReceiptHandle: messages[0]?.ReceiptHandle }),
    );
  });

  it('recovers when a retry succeeds, and sends nothing to the failure queue', async () => {
    const { calls, handler } = recorder((call) => {
      if (calls.indexOf(call) === 0) throw new Error('sementara');
    });
    const source = await startSource({ handler });
    await put('uploads/62.03/2026-S1/sekali-gagal.csv', 'x');
    await source.whenIdle();
    expect(calls).toHaveLength(2);
    expect(await receiveMessages(failureQueueUrl, 1, 300)).toHaveLength(0);
  });

  it('reports a handler that runs past its timeout as Lambda does', async () => {
    const { calls, handler } = recorder(() => new Promise(() => {}));
    const source = await startSource({ handler, timeoutMs: 50, maxRetries: 0 });
    await put('uploads/62.03/2026-S1/lambat.csv', 'x');
    await source.whenIdle();
    expect(calls).toHaveLength(1);
    const [message] = await receiveMessages(failureQueueUrl, 1);
    const record = JSON.parse(message?.Body ?? '{}') as DestinationFailureRecord;
    expect(record.requestContext.approximateInvokeCount).toBe(1);
    expect(record.responsePayload).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 0.05 seconds',
    });
  });

  it('runs at most `concurrency` invocations at once and all of them in the end', async () => {
    let running = 0;
    let peak = 0;
    const { calls, handler } = recorder(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 40));
      running -= 1;
    });
    const source = await startSource({ handler, concurrency: 2 });
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => put(`uploads/62.04/2026/batch-${i}.csv`, `row ${i}`)),
    );
    await source.whenIdle();
    expect(calls).toHaveLength(6);
    expect(peak).toBe(2);
  });
});

describe('encodeS3EventKey', () => {
  it('encodes keys the way S3 notifications do', () => {
    expect(encodeS3EventKey('uploads/62.03/2026-S1/a b.csv')).toBe('uploads/62.03/2026-S1/a+b.csv');
    expect(encodeS3EventKey('uploads/x/a+b=c&d.csv')).toBe('uploads/x/a%2Bb%3Dc%26d.csv');
    expect(encodeS3EventKey('uploads/x/ünï.csv')).toBe('uploads/x/%C3%BCn%C3%AF.csv');
    expect(encodeS3EventKey('uploads/x/keep-_.*~')).toBe('uploads/x/keep-_.*%7E');
  });
});
