import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BatchWriter } from './batch-writer.ts';

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
    let after: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk',
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      for (const key of out.Items ?? []) {
        await writer.delete({ pk: key.pk, sk: key.sk });
        deleted++;
      }
      after = out.LastEvaluatedKey;
    } while (after);
  }
  await writer.flush();
  return deleted;
}

/** `count` partition keys made by `partition(shard)`. */
export const shardsOf = (count: number, partition: (shard: number) => string): string[] =>
  Array.from({ length: count }, (_, shard) => partition(shard));
