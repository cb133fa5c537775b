import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { UPLOAD_STATUSES, type UploadRecord, UploadRecordSchema } from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import { FileClaims, type LeasedRecordType } from './file-claims.ts';
import { uploadKey, uploadsByRegionPeriod } from './keys.ts';
import { parseUploadKey, type UploadKey } from './storage-keys.ts';

/**
 * Upload records as leased import records, by upload id. A record made by POST /uploads names its
 * S3 key: an object under any other key with the same upload id (put there with IAM rights) is never
 * imported under that record. One AWAITING_FILE takes its file; a new version of the object under the
 * same key (another ETag) starts over whatever the record's status.
 */
export const UPLOAD_RECORDS: LeasedRecordType<UploadRecord, UploadKey> = {
  name: 'upload',
  noun: 'berkas',
  parseKey: parseUploadKey,
  idOf: (key) => key.uploadId,
  schema: UploadRecordSchema,
  key: uploadKey,
  s3KeyOf: (record) => record.s3Key,
  progressField: 'rowsProcessed',
  openStatuses: ['AWAITING_FILE'],
  reopenOnNewObject: UPLOAD_STATUSES,
};

/** Upload records: one per upload id, moved through its states by conditional writes. */
export class UploadsRepository {
  /** Claim, heartbeat and fenced finish of the import (`shared/import/leased-import.ts`). */
  readonly claims: FileClaims<UploadRecord, UploadKey>;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {
    this.claims = new FileClaims(UPLOAD_RECORDS, tableName, client);
  }

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
}
