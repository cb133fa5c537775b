import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { waiverPartition } from '#shared/adapters/keys.ts';

/**
 * Reads which flags of a proposal a verifier has waived. Only the keys matter here: a waiver item
 * (`WAIVER#<proposalId>` / `<recipientId>#<flag>`, written by the waiver route with its reason and
 * author) exists or it does not. Kept next to the worker because the worker only reads them; the
 * waiver route owns the item's shape.
 */
export class WaiverReader {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /**
   * `<recipientId>#<flag>` of every waiver of the proposal. Strongly consistent: a waiver recorded
   * just before a run (or before its retry after a conflict) is counted.
   */
  async waived(proposalId: string): Promise<Set<string>> {
    const keys = new Set<string>();
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': waiverPartition(proposalId) },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    };
    do {
      const out = await this.client.send(new QueryCommand(input));
      for (const item of out.Items ?? []) if (typeof item.sk === 'string') keys.add(item.sk);
      input.ExclusiveStartKey = out.LastEvaluatedKey;
    } while (input.ExclusiveStartKey);
    return keys;
  }
}
