import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
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
