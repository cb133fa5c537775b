import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EntitlementStatus } from '../domain/family/distribution.ts';
import type { RecordedRedemption } from '../domain/family/edc.ts';
import { abandonedBefore } from '../domain/family/eligibility-summary.ts';
import {
  type EdcFindingRecord,
  EdcFindingRecordSchema,
  type Entitlement,
  type FoodFindingRecord,
  FoodFindingRecordSchema,
  type FoodHandover,
  FoodHandoverSchema,
  type FoodListJob,
  FoodListJobSchema,
} from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import {
  edcFindingKey,
  edcFindingPartition,
  edcFirstKey,
  entitlementKey,
  foodFindingKey,
  foodFindingPartition,
  foodListKey,
} from './keys.ts';
import { queryItems } from './partitions.ts';
import type { TransactItem } from './transactions.ts';

/** What one recorded BAST line writes on the family's PANGAN entitlement. */
export interface BastMove {
  readonly from: EntitlementStatus;
  readonly to: EntitlementStatus;
  readonly lineKey: string;
  readonly at: string;
  readonly handover?: FoodHandover | undefined;
  readonly notReceived?: NonNullable<Entitlement['notReceived']> | undefined;
}

/**
 * Food (PANGAN) through BULOG (issue #15): the lists job per kabupaten, the moves BULOG's files make
 * on the PANGAN entitlements (conditional on the status read), and the BAST findings (keys in
 * `keys.ts`).
 */
export class FoodRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  // --- The lists job -----------------------------------------------------------------------------

  async listJob(tahapId: string, region: string): Promise<FoodListJob | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: foodListKey(tahapId, region), ConsistentRead: true }),
    );
    return out.Item ? FoodListJobSchema.parse(out.Item) : undefined;
  }

  /** The request, unless one is queued or running (and not abandoned): for the request's transaction. */
  requestItem(record: FoodListJob): TransactItem {
    const item = FoodListJobSchema.parse(record);
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...foodListKey(item.tahapId, item.region), ...item },
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

  /** Records progress of this job only (a newer request wins); false when it is not the latest. */
  async markList(
    tahapId: string,
    region: string,
    jobId: string,
    fields: Partial<Omit<FoodListJob, 'tahapId' | 'region' | 'jobId' | 'requestedBy'>>,
  ): Promise<boolean> {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':jobId': jobId };
    const sets = entries.map(([name, value], index) => {
      names[`#f${index}`] = name;
      values[`:v${index}`] = value;
      return `#f${index} = :v${index}`;
    });
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: foodListKey(tahapId, region),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'jobId = :jobId',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  // --- Entitlement moves -------------------------------------------------------------------------

  /** DITETAPKAN → DIKIRIM, one attempt more, once listed for BULOG; false when it was not DITETAPKAN. */
  async markSent(
    entitlement: Pick<Entitlement, 'tahapId' | 'region' | 'noKk'>,
    at: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: entitlementKey(entitlement.tahapId, entitlement.region, 'PANGAN', entitlement.noKk),
          UpdateExpression: 'SET #status = :sent, updatedAt = :at ADD attempts :one',
          ConditionExpression: '#status = :decreed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'DIKIRIM', ':decreed': 'DITETAPKAN', ':at': at, ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Records a BAST line on the family's PANGAN entitlement: the move, the handover or the failure,
   * and the line's key, conditional on the status read and on the key not being there yet; false
   * when either changed meanwhile (the caller reads and judges again).
   */
  async recordBast(
    entitlement: Pick<Entitlement, 'tahapId' | 'region' | 'noKk'>,
    move: BastMove,
  ): Promise<boolean> {
    const { Update } = this.bastItem(entitlement, move);
    if (!Update) throw new Error('a BAST move without its update');
    try {
      await this.client.send(new UpdateCommand(Update));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** {@link recordBast}'s conditional update, for a transaction of a batch (the dashboards count it). */
  bastItem(entitlement: Pick<Entitlement, 'tahapId' | 'region' | 'noKk'>, move: BastMove): TransactItem {
    const sets = [
      '#status = :to',
      'updatedAt = :at',
      'bastKeys = list_append(if_not_exists(bastKeys, :none), :key)',
    ];
    const values: Record<string, unknown> = {
      ':to': move.to,
      ':from': move.from,
      ':at': move.at,
      ':none': [],
      ':key': [move.lineKey],
      ':lineKey': move.lineKey,
    };
    if (move.handover) {
      sets.push('handover = :handover');
      values[':handover'] = FoodHandoverSchema.parse(move.handover);
    }
    if (move.notReceived) {
      sets.push('notReceived = :notReceived');
      values[':notReceived'] = move.notReceived;
    }
    return {
      Update: {
        TableName: this.tableName,
        Key: entitlementKey(entitlement.tahapId, entitlement.region, 'PANGAN', entitlement.noKk),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression:
          '#status = :from AND (attribute_not_exists(bastKeys) OR NOT contains(bastKeys, :lineKey))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
    };
  }

  // --- BAST findings -----------------------------------------------------------------------------

  /** Stores a finding under its family and line key; false when that line was found before. */
  async putFinding(noKk: string, finding: FoodFindingRecord): Promise<boolean> {
    const item = FoodFindingRecordSchema.parse(finding);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...foodFindingKey(item.tahapId, item.region, noKk, item.lineKey), ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** A kabupaten's BAST findings in a tahap, page by page. */
  async *findings(tahapId: string, region: string): AsyncGenerator<FoodFindingRecord> {
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': foodFindingPartition(tahapId, region) },
    })) {
      yield FoodFindingRecordSchema.parse(item);
    }
  }
}

/**
 * EDC transactions (issue #15): the first redemption of each key, written once so the first write
 * wins, and the findings of the records (keys in `keys.ts`).
 */
export class EdcRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async first(key: string): Promise<RecordedRedemption | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: edcFirstKey(key), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...first } = out.Item;
    return first as RecordedRedemption;
  }

  /** Stores the first redemption of `key`; false when another was stored first. */
  async putFirst(key: string, first: RecordedRedemption): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...edcFirstKey(key), ...first },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Stores a finding under its line and code; false when that line's finding was stored before. */
  async putFinding(finding: EdcFindingRecord): Promise<boolean> {
    const item = EdcFindingRecordSchema.parse(finding);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...edcFindingKey(item.tahapId, item.region, item.lineKey, item.code), ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async *findings(tahapId: string, region: string): AsyncGenerator<EdcFindingRecord> {
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': edcFindingPartition(tahapId, region) },
    })) {
      yield EdcFindingRecordSchema.parse(item);
    }
  }
}
