import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { S3Event, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, resetEnvForTests } from '#shared/config/env.ts';
import { BUCKETS, QUEUES } from '#shared/resources.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

/**
 * The queue → worker wiring of the local stack (its own emulators, stub workers): environment,
 * batch size, partial batch responses into the real `khbs-checks-dlq` and `khbs-decree-dlq`, and
 * `stack.whenIdle()` covering uploads and queue work together.
 */

let stack: LocalStack;
let sqs: SQSClient;
const events: SQSEvent[] = [];
const imports: S3Event[] = [];
const decreeEvents: SQSEvent[] = [];
let savedAgencies: string | undefined;

beforeAll(async () => {
  savedAgencies = process.env.REQUIRED_AGENCIES;
  delete process.env.REQUIRED_AGENCIES;
  stack = await startLocalStack({
    port: 0,
    quiet: true,
    importHandler: async (event) => {
      imports.push(event);
      // An import that ends by asking for checks, like a re-upload of a submitted list would.
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl(QUEUES.checks.localName), MessageBody: 'from-import' }),
      );
    },
    checksHandler: async (event): Promise<SQSBatchResponse> => {
      events.push(event);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    },
    checks: { visibilityTimeoutSeconds: 1 },
    decreeHandler: async (event): Promise<SQSBatchResponse> => {
      decreeEvents.push(event);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    },
    decree: { visibilityTimeoutSeconds: 1 },
  });
  sqs = new SQSClient({ endpoint: stack.emulators.sqsEndpoint, useQueueUrlAsEndpoint: false });
});

afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
  if (savedAgencies !== undefined) process.env.REQUIRED_AGENCIES = savedAgencies;
  resetEnvForTests();
});

function queueUrl(name: string): string {
  const url = stack.emulators.queueUrls[name];
  if (url === undefined) throw new Error(`no local queue ${name}`);
  return url;
}

async function visibleCount(name: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl(name),
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages);
}

describe('local stack: the checks queue and the decree queue', () => {
  it('gives functions both queue URLs and the default required agencies', () => {
    expect(process.env[QUEUES.checks.envVar]).toBe(queueUrl(QUEUES.checks.localName));
    expect(process.env[QUEUES.decree.envVar]).toBe(queueUrl(QUEUES.decree.localName));
    resetEnvForTests();
    expect(env()).toMatchObject({
      checksQueueUrl: queueUrl(QUEUES.checks.localName),
      decreeQueueUrl: queueUrl(QUEUES.decree.localName),
      requiredAgencies: { BKK: ['DINSOS', 'BKAD'], KPM: ['DINSOS', 'DISDUKCAPIL'] },
    });
    expect(stack.emulators.queueUrls).toHaveProperty(QUEUES.checks.deadLetter.localName);
    expect(stack.emulators.queueUrls).toHaveProperty(QUEUES.decree.deadLetter.localName);
  });

  it('runs the checks worker one message per invocation, and whenIdle waits for it', async () => {
    events.length = 0;
    for (const body of ['a', 'b', 'c']) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl(QUEUES.checks.localName), MessageBody: body }),
      );
    }
    await stack.whenIdle();
    expect(events.map((event) => event.Records.map((r) => r.body))).toHaveLength(3);
    expect(events.every((event) => event.Records.length === 1)).toBe(true);
    expect(events.flatMap((event) => event.Records.map((r) => r.body)).sort()).toEqual(['a', 'b', 'c']);
    expect(events[0]?.Records[0]?.eventSourceARN).toBe(
      `arn:aws:sqs:us-east-1:000000000000:${QUEUES.checks.localName}`,
    );
  });

  it('moves a message the worker keeps failing into khbs-checks-dlq after maxReceiveCount receives', async () => {
    events.length = 0;
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl(QUEUES.checks.localName), MessageBody: 'poison' }),
    );
    await stack.whenIdle();
    const receives = events
      .flatMap((event) => event.Records)
      .map((r) => r.attributes.ApproximateReceiveCount);
    expect(receives).toEqual(
      Array.from({ length: QUEUES.checks.deadLetter.maxReceiveCount }, (_, i) => String(i + 1)),
    );
    const dead = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl(QUEUES.checks.deadLetter.localName),
        WaitTimeSeconds: 1,
      }),
    );
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });

  it('waits for an upload and the checks it leads to together', async () => {
    events.length = 0;
    const s3 = new S3Client({ endpoint: stack.emulators.s3Endpoint, forcePathStyle: true });
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKETS.uploads.localName,
        Key: 'uploads/62.03/2026-S1/u.csv',
        Body: 'x',
      }),
    );
    s3.destroy();
    await stack.whenIdle();
    expect(imports).toHaveLength(1);
    expect(events.flatMap((event) => event.Records.map((r) => r.body))).toEqual(['from-import']);
  });

  it('runs the decree worker on the decree queue, one request per invocation, poison to its DLQ', async () => {
    for (const body of ['approved-1', 'poison']) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl(QUEUES.decree.localName), MessageBody: body }),
      );
    }
    await stack.whenIdle();
    const bodies = decreeEvents.flatMap((event) => event.Records.map((r) => r.body));
    expect(decreeEvents.every((event) => event.Records.length === 1)).toBe(true);
    expect(bodies.filter((body) => body === 'approved-1')).toHaveLength(1);
    expect(bodies.filter((body) => body === 'poison')).toHaveLength(QUEUES.decree.deadLetter.maxReceiveCount);
    expect(decreeEvents[0]?.Records[0]?.eventSourceARN).toBe(
      `arn:aws:sqs:us-east-1:000000000000:${QUEUES.decree.localName}`,
    );
    expect(await visibleCount(QUEUES.decree.localName)).toBe(0);
    expect(await visibleCount(QUEUES.decree.deadLetter.localName)).toBe(1);
  });
});
