import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type UploadRecord, UploadRecordSchema } from '../model.ts';
import { documentClient } from './clients.ts';
import { uploadKey, uploadsByRegionPeriod } from './keys.ts';

/** An update usable alone or as one action of a transaction. */
type FencedUpdate = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update']>;

export type ClaimResult =
  | { readonly claimed: true; readonly attempt: number; readonly record: UploadRecord }
  | { readonly claimed: false; readonly existing: UploadRecord | undefined };

export interface ClaimInput {
  readonly uploadId: string;
  readonly region: string;
  readonly period: string;
  readonly s3Key: string;
  readonly etag: string;
  readonly sizeBytes: number;
  readonly format: 'csv' | 'xlsx';
  readonly now: Date;
  readonly leaseMs: number;
}

/** Upload records: one per upload id, moved through its states by conditional writes. */
export class UploadsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** Registers an upload that `POST /uploads` handed a URL for; it expires if no file ever comes. */
  async createAwaiting(record: UploadRecord, expiresAt: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...uploadKey(record.uploadId),
          gsi1pk: uploadsByRegionPeriod(record.region, record.period),
          gsi1sk: record.createdAt,
          ...record,
          expiresAt: Math.floor(expiresAt.getTime() / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(uploadId: string): Promise<UploadRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: uploadKey(uploadId), ConsistentRead: true }),
    );
    return out.Item ? UploadRecordSchema.parse(out.Item) : undefined;
  }

  async listForRegionPeriod(region: string, period: string, limit = 20): Promise<UploadRecord[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': uploadsByRegionPeriod(region, period) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => UploadRecordSchema.parse(item));
  }

  /**
   * Takes the upload for processing. Succeeds for a new object, for an upload awaiting its file,
   * for one whose earlier attempt failed or lost its lease (crash, timeout), and for a new version
   * of the object under the same key. A duplicate event for a file already done, or one being
   * processed under a live lease, is not claimed: the caller decides from `existing`.
   */
  async claim(input: ClaimInput): Promise<ClaimResult> {
    const now = input.now.getTime();
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: uploadKey(input.uploadId),
          UpdateExpression:
            'SET #status = :processing, attempts = if_not_exists(attempts, :zero) + :one, leaseUntil = :lease, ' +
            'uploadId = :uploadId, #region = :region, period = :period, s3Key = :s3Key, etag = :etag, ' +
            'sizeBytes = :size, #format = :format, startedAt = :startedAt, rowsProcessed = :zero, ' +
            'createdAt = if_not_exists(createdAt, :startedAt), gsi1pk = :gsi1pk, gsi1sk = if_not_exists(gsi1sk, :startedAt), ' +
            'reasons = :empty REMOVE expiresAt, counts, reportKey, duplicateOf, supersededBy, finishedAt, durationMs, sha256',
          // A record made by POST /uploads names its key: an object under any other key with the
          // same upload id (put there with IAM rights) is never imported under that record.
          ConditionExpression:
            '(attribute_not_exists(pk) OR s3Key = :s3Key) AND (' +
            'attribute_not_exists(pk) OR #status IN (:awaiting, :failed) OR ' +
            '(#status = :processing AND leaseUntil < :now) OR etag <> :etag)',
          ExpressionAttributeNames: { '#status': 'status', '#region': 'region', '#format': 'format' },
          ExpressionAttributeValues: {
            ':processing': 'PROCESSING',
            ':awaiting': 'AWAITING_FILE',
            ':failed': 'FAILED',
            ':zero': 0,
            ':one': 1,
            ':lease': now + input.leaseMs,
            ':now': now,
            ':uploadId': input.uploadId,
            ':region': input.region,
            ':period': input.period,
            ':s3Key': input.s3Key,
            ':etag': input.etag,
            ':size': input.sizeBytes,
            ':format': input.format,
            ':startedAt': input.now.toISOString(),
            ':gsi1pk': uploadsByRegionPeriod(input.region, input.period),
            ':empty': [],
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const record = UploadRecordSchema.parse(out.Attributes);
      return { claimed: true, attempt: record.attempts, record };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { claimed: false, existing: await this.get(input.uploadId) };
    }
  }

  /** Records progress and renews the lease; fails if another attempt has taken over. */
  async heartbeat(
    uploadId: string,
    attempt: number,
    rowsProcessed: number,
    leaseUntil: number,
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: uploadKey(uploadId),
        UpdateExpression: 'SET rowsProcessed = :rows, leaseUntil = :lease',
        ConditionExpression: '#status = :processing AND attempts = :attempt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':rows': rowsProcessed,
          ':lease': leaseUntil,
          ':processing': 'PROCESSING',
          ':attempt': attempt,
        },
      }),
    );
  }

  /**
   * The update that closes an attempt, fenced on the attempt number so a stale worker (one that lost
   * its lease) can never overwrite a newer result. Usable alone or inside a transaction.
   */
  finishUpdate(uploadId: string, attempt: number, fields: Partial<UploadRecord>): FencedUpdate {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':processing': 'PROCESSING', ':attempt': attempt };
    const sets: string[] = [];
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    names['#st'] = 'status';
    return {
      TableName: this.tableName,
      Key: uploadKey(uploadId),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntil`,
      ConditionExpression: '#st = :processing AND attempts = :attempt',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async finish(uploadId: string, attempt: number, fields: Partial<UploadRecord>): Promise<void> {
    await this.client.send(new UpdateCommand(this.finishUpdate(uploadId, attempt, fields)));
  }
}
