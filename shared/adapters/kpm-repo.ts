import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { abandonedBefore } from '../domain/family/eligibility-summary.ts';
import { type KpmCompose, KpmComposeSchema, type KpmPlacement, KpmPlacementSchema } from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import { kpmComposeKey, kpmFamilyKey, kpmFamilyPartition } from './keys.ts';
import { queryItems } from './partitions.ts';
import type { TransactItem } from './transactions.ts';

/**
 * The composition of each kabupaten's KPM list for a tahap (issue #14): one record per tahap and
 * kabupaten (`KPMCOMPOSE#<tahapId>#<region>`), holding the latest request and what it produced.
 */
export class KpmRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** The item that records where a family is listed (written with the list's rows). */
  static placementItem(placement: KpmPlacement): Record<string, unknown> {
    return { ...kpmFamilyKey(placement.noKk, placement.tahapId, placement.region), ...placement };
  }

  /** Every KPM list a family was placed on, one per tahap and kabupaten (the latest composition's). */
  async placementsOf(noKk: string): Promise<KpmPlacement[]> {
    const placements: KpmPlacement[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': kpmFamilyPartition(noKk) },
    })) {
      placements.push(KpmPlacementSchema.parse(item));
    }
    return placements;
  }

  async get(tahapId: string, region: string): Promise<KpmCompose | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: kpmComposeKey(tahapId, region),
        ConsistentRead: true,
      }),
    );
    return out.Item ? KpmComposeSchema.parse(out.Item) : undefined;
  }

  /**
   * The transaction item of a new request, QUEUED: conditional on no composition of the kabupaten
   * being QUEUED or RUNNING (unless abandoned, like an eligibility run). The caller adds the job's
   * message (`handoffItem`) to the same transaction.
   */
  requestItem(record: KpmCompose): TransactItem {
    const item = KpmComposeSchema.parse(record);
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...kpmComposeKey(item.tahapId, item.region), ...item },
        ConditionExpression:
          'attribute_not_exists(pk) OR NOT (#status IN (:queued, :running)) OR requestedAt < :abandoned',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':queued': 'QUEUED',
          ':running': 'RUNNING',
          ':abandoned': abandonedBefore(new Date(item.requestedAt)),
        },
      },
    };
  }

  /** Records progress of this composition only (a newer request wins); false when it is not the latest. */
  async mark(
    tahapId: string,
    region: string,
    composeId: string,
    fields: Partial<Omit<KpmCompose, 'tahapId' | 'region' | 'composeId'>>,
  ): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand(this.markInput(tahapId, region, composeId, fields)));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** {@link mark} as a transaction item, to close a composition with the list switch it made. */
  markItem(
    tahapId: string,
    region: string,
    composeId: string,
    fields: Partial<Omit<KpmCompose, 'tahapId' | 'region' | 'composeId'>>,
  ): TransactItem {
    return { Update: this.markInput(tahapId, region, composeId, fields) };
  }

  private markInput(
    tahapId: string,
    region: string,
    composeId: string,
    fields: Partial<Omit<KpmCompose, 'tahapId' | 'region' | 'composeId'>>,
  ) {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    return {
      TableName: this.tableName,
      Key: kpmComposeKey(tahapId, region),
      UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
      ConditionExpression: 'composeId = :composeId',
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name], index) => [`#f${index}`, name])),
      ExpressionAttributeValues: {
        ':composeId': composeId,
        ...Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])),
      },
    };
  }
}
