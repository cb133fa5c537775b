import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type InstructionRecord, InstructionRecordSchema } from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import { instructionKey, instructionPartition } from './keys.ts';
import type { TransactItem } from './transactions.ts';

/**
 * The payment instruction files of a kabupaten's tahap (`INSTR#<tahapId>#<region>` /
 * `FILE#<seq>`), one record per file id: its job's state, its lines and control total.
 */
export class InstructionsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async get(tahapId: string, region: string, seq: number): Promise<InstructionRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: instructionKey(tahapId, region, seq),
        ConsistentRead: true,
      }),
    );
    return out.Item ? InstructionRecordSchema.parse(out.Item) : undefined;
  }

  /** The latest file of the kabupaten's tahap (the highest sequence), if any. */
  async latest(tahapId: string, region: string): Promise<InstructionRecord | undefined> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :file)',
        ExpressionAttributeValues: { ':pk': instructionPartition(tahapId, region), ':file': 'FILE#' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? InstructionRecordSchema.parse(item) : undefined;
  }

  /** The new file's record for a transaction with its job's hand-off: its sequence must be free. */
  createItem(record: InstructionRecord): TransactItem {
    const item = InstructionRecordSchema.parse(record);
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...instructionKey(item.tahapId, item.region, item.seq), ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** Sets fields of a file's record, conditional on the status it had; false when it moved. */
  async mark(record: InstructionRecord, fields: Partial<InstructionRecord>): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...instructionKey(record.tahapId, record.region, record.seq),
            ...InstructionRecordSchema.parse({ ...record, ...fields }),
          },
          ConditionExpression: 'fileId = :fileId AND #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':fileId': record.fileId, ':status': record.status },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
