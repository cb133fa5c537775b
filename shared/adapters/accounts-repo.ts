import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RecordedAccount } from '../domain/family/accounts.ts';
import {
  type AccountRecord,
  AccountRecordSchema,
  type AccountRequestRecord,
  AccountRequestRecordSchema,
} from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import { accountKey, accountNumberKey, accountRequestKey } from './keys.ts';
import { batchGetItems } from './partitions.ts';
import { type TransactItem, transactWrite, WriteConflict } from './transactions.ts';

/** What a conditional account write found: written, or the record moved since it was read. */
export type AccountWrite = 'written' | 'changed';

/**
 * The penerima's accounts at Bank Kalteng (issue #15, `accounts.ts`): one record per NIK
 * (`ACCOUNT#<nik>`), and one owner item per account number (`ACCNO#<noRekening>`). Every write is
 * conditional on the record as it was read (its status and answer time), so two answer files read
 * at once cannot both open an account for one NIK, and the owner item is created only if absent,
 * so one account number never pays two penerima.
 */
export class AccountsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async get(nik: string): Promise<AccountRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: accountKey(nik), ConsistentRead: true }),
    );
    return out.Item ? AccountRecordSchema.parse(out.Item) : undefined;
  }

  /** The NIK holding this account number, if any (`decideAccount`'s `heldBy`). */
  async holder(noRekening: string): Promise<string | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: accountNumberKey(noRekening), ConsistentRead: true }),
    );
    return out.Item ? String(out.Item.nik) : undefined;
  }

  /** The records of these NIKs (BatchGet, 100 a call, strongly consistent); absent NIKs have none. */
  async many(niks: readonly string[]): Promise<Map<string, AccountRecord>> {
    const found = new Map<string, AccountRecord>();
    const keys = [...new Set(niks)].map((nik) => accountKey(nik));
    for (const item of await batchGetItems(this.client, this.tableName, keys)) {
      const record = AccountRecordSchema.parse(item);
      found.set(record.nik, record);
    }
    return found;
  }

  /**
   * Records that a request names this NIK (DIAJUKAN), unless its record moved since it was read
   * (`read`: the record as the request job saw it; an AKTIF record is never touched).
   */
  async markRequested(
    nik: string,
    read: AccountRecord | undefined,
    at: string,
    requestId: string,
    place?: { readonly tahapId: string; readonly desaCode: string },
  ): Promise<AccountWrite> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: accountKey(nik),
          UpdateExpression: `SET nik = :nik, #status = :diajukan, requestedAt = :at, requestId = :requestId${place ? ', tahapId = :tahapId, desaCode = :desaCode' : ''}`,
          ConditionExpression: this.unchanged(read).ConditionExpression,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':nik': nik,
            ':diajukan': 'DIAJUKAN',
            ':at': at,
            ':requestId': requestId,
            ...(place ? { ':tahapId': place.tahapId, ':desaCode': place.desaCode } : {}),
            ...this.unchanged(read).ExpressionAttributeValues,
          },
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'changed';
      throw error;
    }
  }

  /**
   * Writes a decision of the bank's answer (`decideAccount`): an opened account (the record AKTIF
   * and the account number's owner item, together) or a failure, conditional on the record `read`.
   * `changed` when the record moved meanwhile or the account number is held already: the caller
   * reads both again and decides again.
   */
  async record(
    read: AccountRecord | undefined,
    decided: RecordedAccount,
    importId: string,
  ): Promise<AccountWrite> {
    try {
      await transactWrite(this.recordItems(read, decided, importId), { client: this.client });
      return 'written';
    } catch (error) {
      if (error instanceof WriteConflict) return 'changed';
      throw error;
    }
  }

  /**
   * {@link record}'s items (the record, and an opened account's number owner), for a transaction of
   * a batch that also moves the dashboards' counters. The request's place (tahap, desa) is kept.
   */
  recordItems(read: AccountRecord | undefined, decided: RecordedAccount, importId: string): TransactItem[] {
    const item = AccountRecordSchema.parse({
      ...decided,
      ...(read?.requestId ? { requestId: read.requestId } : {}),
      ...(read?.tahapId ? { tahapId: read.tahapId } : {}),
      ...(read?.desaCode ? { desaCode: read.desaCode } : {}),
      importId,
    });
    const condition = this.unchanged(read);
    const put: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: { ...accountKey(item.nik), ...item },
        ...condition,
      },
    };
    const items: TransactItem[] = [put];
    if (item.status === 'AKTIF') {
      if (!item.noRekening) throw new Error('an active account without its number');
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...accountNumberKey(item.noRekening), nik: item.nik, at: item.answeredAt ?? '' },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    return items;
  }

  /** The condition that the record is still as read (absent, or the same status and answer time). */
  private unchanged(read: AccountRecord | undefined): {
    ConditionExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    if (!read) return { ConditionExpression: 'attribute_not_exists(pk)' };
    return {
      ConditionExpression:
        '#status = :readStatus AND (attribute_not_exists(answeredAt) OR answeredAt = :readAnswered) AND #status <> :aktif',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':readStatus': read.status,
        ':readAnswered': read.answeredAt ?? '',
        ':aktif': 'AKTIF',
      },
    };
  }

  // --- Account-opening requests ------------------------------------------------------------------

  async request(tahapId: string, region: string): Promise<AccountRequestRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: accountRequestKey(tahapId, region),
        ConsistentRead: true,
      }),
    );
    return out.Item ? AccountRequestRecordSchema.parse(out.Item) : undefined;
  }

  /**
   * The request item for a transaction with its job's hand-off: written unless a request of the
   * kabupaten's tahap is still QUEUED or RUNNING (one at a time).
   */
  requestItem(record: AccountRequestRecord): TransactItem {
    const item = AccountRequestRecordSchema.parse(record);
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...accountRequestKey(item.tahapId, item.region), ...item },
        ConditionExpression: 'attribute_not_exists(pk) OR NOT (#status IN (:queued, :running))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':queued': 'QUEUED', ':running': 'RUNNING' },
      },
    };
  }

  /** Sets fields of this request (conditional on it still being this request); false when superseded. */
  async markRequest(
    tahapId: string,
    region: string,
    requestId: string,
    fields: Partial<Omit<AccountRequestRecord, 'tahapId' | 'region' | 'requestId'>>,
  ): Promise<boolean> {
    const current = await this.request(tahapId, region);
    if (current?.requestId !== requestId) return false;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...accountRequestKey(tahapId, region),
            ...AccountRequestRecordSchema.parse({ ...current, ...fields }),
          },
          ConditionExpression: 'requestId = :requestId AND #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':requestId': requestId, ':status': current.status },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
