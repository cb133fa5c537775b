import { once } from 'node:events';
import { DescribeTableCommand, DescribeTimeToLiveCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS, QUEUES, TABLES } from '#shared/resources.ts';
import { createResources, waitUntilAnswering } from '../../local/emulators.ts';
import { emptyBucket, recreateTable, resetTable, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

let env: Readonly<Record<string, string>>;

beforeAll(() => {
  env = useEmulatorEnv();
});

describe('the emulators of the integration run', () => {
  it('reach the test workers through process.env, the same values as provided', () => {
    for (const [name, value] of Object.entries(env)) expect(process.env[name], name).toBe(value);
    expect(env.AWS_REGION).toBe('us-east-1');
    for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_SQS']) {
      expect(new URL(env[name] ?? '').hostname, name).toBe('127.0.0.1');
    }
  });

  it('name every resource of shared/resources.ts in the environment', () => {
    for (const spec of [...Object.values(TABLES), ...Object.values(BUCKETS)]) {
      expect(env[spec.envVar], spec.envVar).toBe(spec.localName);
    }
    for (const queue of Object.values(QUEUES)) {
      expect(env[queue.envVar], queue.envVar).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\d{12}/${queue.localName}$`),
      );
    }
  });

  it('have each table with its keys, global indexes and TTL', async () => {
    const { dynamo } = testClients();
    for (const spec of Object.values(TABLES)) {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: spec.localName }));
      expect(Table?.KeySchema).toEqual([
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const indexes = Table?.GlobalSecondaryIndexes ?? [];
      expect(indexes.map((index) => index.IndexName).sort()).toEqual(
        spec.globalIndexes.map((g) => g.name).sort(),
      );
      for (const gsi of spec.globalIndexes) {
        const index = indexes.find((candidate) => candidate.IndexName === gsi.name);
        expect(index?.KeySchema).toEqual([
          { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
        ]);
        expect(index?.Projection?.ProjectionType).toBe('ALL');
      }
      const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: spec.localName }));
      expect(ttl.TimeToLiveDescription).toEqual({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: spec.timeToLiveAttribute,
      });
    }
  });

  it('have each bucket', async () => {
    const { s3 } = testClients();
    for (const spec of Object.values(BUCKETS)) {
      const head = await s3.send(new HeadBucketCommand({ Bucket: spec.localName }));
      expect(head.$metadata.httpStatusCode).toBe(200);
    }
  });

  it('have each queue, with its redrive policy where the spec has a dead-letter queue', async () => {
    const { sqs } = testClients();
    for (const spec of Object.values(QUEUES)) {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: spec.localName }));
      expect(QueueUrl).toBe(env[spec.envVar]);
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }),
      );
      const deadLetter =
        'deadLetter' in spec
          ? (spec.deadLetter as { localName: string; maxReceiveCount: number })
          : undefined;
      if (deadLetter === undefined) {
        expect(Attributes?.RedrivePolicy).toBeUndefined();
      } else {
        expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
          deadLetterTargetArn: expect.stringMatching(new RegExp(`:${deadLetter.localName}$`)),
          maxReceiveCount: deadLetter.maxReceiveCount,
        });
      }
    }
  });

  it('create a queue with a dead-letter queue that redrives after maxReceiveCount receives', async () => {
    const { sqs } = testClients();
    const suffix = Date.now().toString(36);
    const work = { id: 'W', localName: `test-work-${suffix}`, envVar: 'TEST_WORK_QUEUE_URL' };
    const created = await createResources(
      { dynamoEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB ?? '', fauxqsEndpoint: env.AWS_ENDPOINT_URL_SQS ?? '' },
      {
        tables: [],
        buckets: [],
        queues: [{ ...work, deadLetter: { localName: `test-dlq-${suffix}`, maxReceiveCount: 2 } }],
      },
    );
    const workUrl = created.env.TEST_WORK_QUEUE_URL as string;
    const dlqUrl = created.queueUrls[`test-dlq-${suffix}`] as string;
    expect(dlqUrl).toBeDefined();

    await sqs.send(new SendMessageCommand({ QueueUrl: workUrl, MessageBody: 'poison' }));
    for (let receive = 1; receive <= 2; receive++) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: workUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
      );
      expect(Messages?.[0]?.Body, `receive ${receive}`).toBe('poison');
    }
    // The third receive finds the message moved to the dead-letter queue.
    const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl: workUrl, WaitTimeSeconds: 0 }));
    expect(third.Messages ?? []).toHaveLength(0);
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }));
    expect(dead.Messages?.[0]?.Body).toBe('poison');
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: dead.Messages?.[0]?.ReceiptHandle }),
    );
  });

  it('can be emptied between tests (resetTable, emptyBucket)', async () => {
    const { dynamo, s3 } = testClients();
    const table = TABLES.main;
    for (let i = 0; i < 30; i++) {
      await dynamo.send(
        new PutItemCommand({ TableName: table.localName, Item: { pk: { S: `T#${i}` }, sk: { S: 'A' } } }),
      );
    }
    expect(await resetTable()).toBeGreaterThanOrEqual(30);
    expect(await resetTable()).toBe(0);

    await dynamo.send(
      new PutItemCommand({ TableName: table.localName, Item: { pk: { S: 'T#x' }, sk: { S: 'A' } } }),
    );
    await recreateTable();
    expect(await resetTable()).toBe(0);
    const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: table.localName }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');

    await s3.send(
      new PutObjectCommand({ Bucket: BUCKETS.documents.localName, Key: 'reports/x.csv', Body: 'a' }),
    );
    expect(await emptyBucket(BUCKETS.documents.localName)).toBeGreaterThanOrEqual(1);
    expect(await emptyBucket(BUCKETS.documents.localName)).toBe(0);
  });
});

describe('waiting for DynamoDB Local', () => {
  it('does not take another server on its port for DynamoDB Local (the port was given away meanwhile)', async () => {
    const { createServer } = await import('node:http');
    const { spawn } = await import('node:child_process');
    // What happened in CI: fauxqs, started at the same time, was given the port picked for the JVM.
    const impostor = createServer((_, res) => res.writeHead(400, { 'x-amz-id-2': 'fauxqs' }).end('<Error/>'));
    impostor.listen(0, '127.0.0.1');
    await once(impostor, 'listening');
    const address = impostor.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)']);
    try {
      await expect(waitUntilAnswering(`http://127.0.0.1:${port}`, child, () => '')).rejects.toThrow(
        /another server answered/,
      );
    } finally {
      child.kill();
      impostor.close();
    }
  });
});
