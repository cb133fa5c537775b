import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type Assignment, AssignmentSchema, type VervalRecord, VervalRecordSchema } from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import { assignmentKey, assignmentsOfRelawan, vervalPartition } from './keys.ts';
import { queryItems } from './partitions.ts';

/**
 * The verval of a tahap: which relawan works which desa (assignments, kept by the operator), and
 * each family's result. A result is keyed by tahap, desa and No KK, so a file sent twice writes the
 * same items again; of two visits to one family, the later date wins (same date: the later upload).
 */
export class VervalRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async assign(assignment: Assignment): Promise<void> {
    const item = AssignmentSchema.parse(assignment);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...assignmentKey(item.tahapId, item.desaCode, item.relawan.sub),
          gsi1pk: assignmentsOfRelawan(item.tahapId, item.relawan.sub),
          gsi1sk: item.desaCode,
          ...item,
        },
      }),
    );
  }

  async unassign(tahapId: string, desaCode: string, sub: string): Promise<boolean> {
    const out = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: assignmentKey(tahapId, desaCode, sub),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes !== undefined;
  }

  /** Whether the relawan works this desa in this tahap (a strongly consistent point read). */
  async isAssigned(tahapId: string, desaCode: string, sub: string): Promise<boolean> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: assignmentKey(tahapId, desaCode, sub),
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    );
    return out.Item !== undefined;
  }

  /** The relawan of one desa. */
  async ofDesa(tahapId: string, desaCode: string): Promise<Assignment[]> {
    return this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :relawan)',
      ExpressionAttributeValues: { ':pk': assignmentKey(tahapId, desaCode, '').pk, ':relawan': 'RELAWAN#' },
    }).then((items) => items.map((item) => AssignmentSchema.parse(item)));
  }

  /** The desa a relawan works in a tahap. */
  async ofRelawan(tahapId: string, sub: string): Promise<Assignment[]> {
    return this.query({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': assignmentsOfRelawan(tahapId, sub) },
    }).then((items) => items.map((item) => AssignmentSchema.parse(item)));
  }

  /**
   * Records a family's result unless a later visit is already recorded: false when it is (the row
   * changes nothing). Conditional on the stored visit's date and upload time.
   */
  async record(result: VervalRecord): Promise<boolean> {
    const item = VervalRecordSchema.parse(result);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: vervalPartition(item.tahapId, item.desaCode), sk: `KK#${item.noKk}`, ...item },
          ConditionExpression:
            'attribute_not_exists(pk) OR tanggal < :tanggal OR (tanggal = :tanggal AND recordedAt <= :at)',
          ExpressionAttributeValues: { ':tanggal': item.tanggal, ':at': item.recordedAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** One family's result in a tahap (a point read), or undefined before any visit is recorded. */
  async resultOf(tahapId: string, desaCode: string, noKk: string): Promise<VervalRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: vervalPartition(tahapId, desaCode), sk: `KK#${noKk}` },
      }),
    );
    return out.Item ? VervalRecordSchema.parse(out.Item) : undefined;
  }

  /** Every result of one desa (a few hundred families), in No KK order. */
  async ofDesaResults(tahapId: string, desaCode: string): Promise<VervalRecord[]> {
    return this.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': vervalPartition(tahapId, desaCode) },
      ConsistentRead: true,
    }).then((items) => items.map((item) => VervalRecordSchema.parse(item)));
  }

  private async query(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const item of queryItems(this.client, { ...input, TableName: this.tableName }))
      items.push(item);
    return items;
  }
}
