import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { jitteredBackoff } from './backoff.ts';
import { BatchWriter } from './batch-writer.ts';

/** Every item a Query matches, page after page (`ExclusiveStartKey` followed to the end). */
export async function* queryItems(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield* out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

/**
 * The items of these keys (BatchGetItem, 100 keys a call, strongly consistent unless told), in any
 * order; absent keys have none. Unprocessed keys are asked for again with backoff, and a key still
 * unprocessed after 10 tries is an error, never a silently missing item. Keys must be distinct.
 */
export async function batchGetItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: { readonly consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let pending: Record<string, unknown>[] = keys.slice(start, start + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 10) throw new Error(`BatchGetItem left keys of ${tableName} unprocessed`);
      if (attempt > 0) await jitteredBackoff(attempt, 50, 2_000);
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent ?? true } },
        }),
      );
      items.push(...(out.Responses?.[tableName] ?? []));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return items;
}

/**
 * Deletes every item of the given partitions (keys read with a projection, deletes in batches):
 * how the rows of an import nobody points to are removed. Returns how many items went.
 */
export async function deletePartitions(
  tableName: string,
  client: DynamoDBDocumentClient,
  partitions: Iterable<string>,
): Promise<number> {
  const writer = new BatchWriter(tableName, { client });
  let deleted = 0;
  for (const pk of partitions) {
    for await (const key of queryItems(client, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
    })) {
      await writer.delete({ pk: key.pk, sk: key.sk });
      deleted++;
    }
  }
  await writer.flush();
  return deleted;
}

/** `count` partition keys made by `partition(shard)`. */
export const shardsOf = (count: number, partition: (shard: number) => string): string[] =>
  Array.from({ length: count }, (_, shard) => partition(shard));
