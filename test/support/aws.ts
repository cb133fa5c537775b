import {
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { type Message, PurgeQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TABLES, type TableSpec } from '#shared/resources.ts';
import { createTable } from '../../local/emulators.ts';

/**
 * Helpers for tests that use the shared emulators (after `useEmulatorEnv()`): clients pointed at
 * them, and ways to put a table, bucket or queue back to empty between tests.
 */

export interface TestClients {
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
}

let clients: TestClients | undefined;

/** Clients for the emulators named in `process.env`, created on first use. */
export function testClients(): TestClients {
  if (clients) return clients;
  const endpoint = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: call useEmulatorEnv() first`);
    return value;
  };
  clients = {
    dynamo: new DynamoDBClient({ endpoint: endpoint('AWS_ENDPOINT_URL_DYNAMODB') }),
    s3: new S3Client({ endpoint: endpoint('AWS_ENDPOINT_URL_S3'), forcePathStyle: true }),
    sqs: new SQSClient({ endpoint: endpoint('AWS_ENDPOINT_URL_SQS'), useQueueUrlAsEndpoint: false }),
  };
  return clients;
}

/** Deletes every item of a table (keys from its spec). Resolves with how many were deleted. */
export async function resetTable(spec: TableSpec = TABLES.main): Promise<number> {
  const { dynamo } = testClients();
  const tableName = process.env[spec.envVar] ?? spec.localName;
  let deleted = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': spec.partitionKey, '#sk': spec.sortKey },
        ExclusiveStartKey: startKey,
      }),
    );
    const keys = page.Items ?? [];
    for (let i = 0; i < keys.length; i += 25) {
      let requests: WriteRequest[] = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      // BatchWriteItem may leave some undone; retry those until none are left.
      while (requests.length > 0) {
        const result = await dynamo.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = result.UnprocessedItems?.[tableName] ?? [];
      }
    }
    deleted += keys.length;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return deleted;
}

/**
 * Drops and recreates a table (keys, GSIs, TTL as its spec says): faster than `resetTable` once a
 * test has written thousands of items. The spec's local name is used, as everywhere in tests.
 */
export async function recreateTable(spec: TableSpec = TABLES.main): Promise<void> {
  const { dynamo } = testClients();
  await dynamo.send(new DeleteTableCommand({ TableName: spec.localName }));
  await createTable(dynamo, spec);
}

/** Deletes every object of a bucket (optionally only under a prefix). Resolves with how many. */
export async function emptyBucket(bucket: string, prefix?: string): Promise<number> {
  const { s3 } = testClients();
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    const objects = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
    if (objects.length > 0) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
      deleted += objects.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return deleted;
}

/** Removes every message from a queue. */
export async function purgeQueue(queueUrl: string): Promise<void> {
  await testClients().sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
}

/**
 * Receives (without deleting) until `count` messages have arrived or `timeoutMs` has passed, and
 * resolves with what arrived.
 */
export async function receiveMessages(queueUrl: string, count = 1, timeoutMs = 5_000): Promise<Message[]> {
  const { sqs } = testClients();
  const messages: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) {
    const waitSeconds = Math.max(0, Math.min(1, Math.floor((deadline - Date.now()) / 1000)));
    const result = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, count - messages.length),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...(result.Messages ?? []));
  }
  return messages;
}

/** Polls `probe` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
