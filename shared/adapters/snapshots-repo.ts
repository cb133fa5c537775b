import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type SnapshotHalf, type SnapshotRecord, SnapshotRecordSchema } from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import type { SnapshotData } from './families-repo.ts';
import { snapshotKey, snapshotsByRegion } from './keys.ts';
import type { TransactItem } from './transactions.ts';

export type SnapshotFile = 'families' | 'members';

/** The snapshot as a half's write leaves it, and the write (one action of the import's closing transaction). */
export interface HalfChange {
  readonly next: SnapshotRecord;
  readonly item: TransactItem;
}

/** The cross-check's result, written when the snapshot becomes READY. */
export type SnapshotCheck = NonNullable<SnapshotRecord['check']>;

/** The pair of imports a snapshot names, once it has both. */
export const pairOf = (snapshot: SnapshotRecord): SnapshotData | undefined =>
  snapshot.families && snapshot.members
    ? { families: snapshot.families.importId, members: snapshot.members.importId }
    : undefined;

/**
 * DTSEN snapshots: which import is each half, and whether the pair was cross-checked (READY). Every
 * change is conditional on the version read, so two imports finishing at once cannot both believe
 * they completed the pair without the other, and no import replaces a half once a tahap uses it.
 */
export class SnapshotsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async get(region: string, versionDate: string): Promise<SnapshotRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: snapshotKey(region, versionDate),
        ConsistentRead: true,
      }),
    );
    return out.Item ? SnapshotRecordSchema.parse(out.Item) : undefined;
  }

  /** A region's snapshots, newest version first. */
  async list(region: string, limit = 50): Promise<SnapshotRecord[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': snapshotsByRegion(region) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => SnapshotRecordSchema.parse(item));
  }

  /** The pair of imports of a READY snapshot; undefined for one that is missing or not READY. */
  async ready(region: string, versionDate: string): Promise<{ readonly data: SnapshotData } | undefined> {
    const snapshot = await this.get(region, versionDate);
    const data = snapshot?.status === 'READY' ? pairOf(snapshot) : undefined;
    return data ? { data } : undefined;
  }

  /**
   * Makes `half` the given import's: the snapshot goes (back) to INCOMPLETE until the new pair is
   * cross-checked. Conditional on the snapshot as read (`current`, or its absence) and on no tahap
   * using it.
   */
  halfChange(
    current: SnapshotRecord | undefined,
    key: { readonly region: string; readonly versionDate: string },
    file: SnapshotFile,
    half: SnapshotHalf,
    now: string,
  ): HalfChange {
    const { check: _replaced, ...kept } = current ?? {
      region: key.region,
      versionDate: key.versionDate,
      version: 0,
      createdAt: now,
    };
    const next: SnapshotRecord = {
      ...kept,
      status: 'INCOMPLETE',
      version: (current?.version ?? 0) + 1,
      [file]: half,
      updatedAt: now,
    };
    const item: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: {
          ...snapshotKey(key.region, key.versionDate),
          gsi1pk: snapshotsByRegion(key.region),
          gsi1sk: key.versionDate,
          ...next,
        },
        ...(current
          ? {
              // In use = a tahap named in `usedBy` (an empty list, left when none is, is not in use).
              ConditionExpression:
                'version = :seen AND (attribute_not_exists(usedBy) OR size(usedBy) = :none)',
              ExpressionAttributeValues: { ':seen': current.version, ':none': 0 },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    };
    return { next, item };
  }

  /**
   * A tahap takes a READY snapshot: from then on no import may replace its files (`halfChange`
   * conditions on `usedBy` being absent). One action of the tahap's creation.
   */
  useItem(region: string, versionDate: string, tahapId: string): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: snapshotKey(region, versionDate),
        UpdateExpression: 'SET usedBy = list_append(if_not_exists(usedBy, :none), :tahap) ADD version :one',
        ConditionExpression: '#st = :ready',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':none': [], ':tahap': [tahapId], ':ready': 'READY', ':one': 1 },
      },
    };
  }

  /**
   * INCOMPLETE → READY with the cross-check, only if the snapshot still names exactly the pair that
   * was checked. False when it does not (a newer file came meanwhile, or another check got there
   * first): the caller's check is then stale and changes nothing.
   */
  async markReady(
    region: string,
    versionDate: string,
    pair: SnapshotData,
    check: SnapshotCheck,
    now: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: snapshotKey(region, versionDate),
          UpdateExpression: 'SET #st = :ready, #check = :check, updatedAt = :now ADD version :one',
          ConditionExpression:
            '#st = :incomplete AND families.importId = :families AND members.importId = :members',
          ExpressionAttributeNames: { '#st': 'status', '#check': 'check' },
          ExpressionAttributeValues: {
            ':ready': 'READY',
            ':incomplete': 'INCOMPLETE',
            ':check': check,
            ':now': now,
            ':one': 1,
            ':families': pair.families,
            ':members': pair.members,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
