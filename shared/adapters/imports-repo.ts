import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type ImportRecord, ImportRecordSchema } from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import { FileClaims, type LeasedRecordType } from './file-claims.ts';
import { importKey, importsByScope } from './keys.ts';
import { type ImportKey, parseImportKey } from './storage-keys.ts';

/**
 * The family programme's file imports as leased import records, by import id. `POST /imports`
 * makes the record (kind, region, what the file is) and binds it to its S3 key: an object under any
 * other key is never imported under it, and an object with no record is not imported at all (the
 * worker checks first). One AWAITING_FILE takes its file; once done, a record is final: another
 * file is another import.
 */
export const IMPORT_RECORDS: LeasedRecordType<ImportRecord, ImportKey> = {
  name: 'import',
  noun: 'berkas',
  parseKey: parseImportKey,
  idOf: (key) => key.importId,
  schema: ImportRecordSchema,
  key: importKey,
  s3KeyOf: (record) => record.s3Key,
  progressField: 'rowsProcessed',
  openStatuses: ['AWAITING_FILE'],
  reopenOnNewObject: [],
};

export class ImportsRepository {
  /** Claim, heartbeat and fenced finish of the import (`shared/import/leased-import.ts`). */
  readonly claims: FileClaims<ImportRecord, ImportKey>;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {
    this.claims = new FileClaims(IMPORT_RECORDS, tableName, client);
  }

  /** Registers an import that `POST /imports` handed a URL for; it expires if no file ever comes. */
  async createAwaiting(record: ImportRecord, expiresAt: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...importKey(record.importId),
          gsi1pk: importsByScope(record.region),
          gsi1sk: record.createdAt,
          ...record,
          expiresAt: Math.floor(expiresAt.getTime() / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(importId: string): Promise<ImportRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: importKey(importId), ConsistentRead: true }),
    );
    return out.Item ? ImportRecordSchema.parse(out.Item) : undefined;
  }

  /** The newest imports of a region (or of the province, `undefined`), newest first. */
  async list(region: string | undefined, limit = 50): Promise<ImportRecord[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': importsByScope(region) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ImportRecordSchema.parse(item));
  }
}
