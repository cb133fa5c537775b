import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ExchangeFetch,
  ExchangeFetchSchema,
  type ExchangeFile,
  type ExchangeFileKind,
  ExchangeFileSchema,
  type ExchangeParty,
} from '../domain/exchange.ts';
import { documentClient } from './clients/dynamodb.ts';
import { exchangeFetchPartition, exchangeFileKey, exchangeFilesByParty } from './keys.ts';
import { queryItems } from './partitions.ts';
import { decodeSortKeyCursor, encodeSortKeyCursor } from './sort-key-cursor.ts';

/** What a party's listing may be narrowed to. */
export interface ExchangeListRequest {
  readonly tahapId?: string;
  readonly kind?: ExchangeFileKind;
  readonly region?: string;
  readonly cursor?: string;
  /** @default 50 */
  readonly limit?: number;
}

export interface ExchangeFilePage {
  readonly items: ExchangeFile[];
  /** Present when more files may follow (a page may be short when filters skip many files). */
  readonly cursor?: string;
}

/** A listing's position: `<createdAt>#<fileId>` of the last file looked at, and nothing else. */
const LISTING_SK = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#([A-Za-z0-9_-]{1,64})$/;

/** At most this many files are read per call, matching or not: one call costs a bounded read. */
const READ_BUDGET = 1_000;

/**
 * The files made for Bank Kalteng and BULOG (issue #15): each registered once under its id, listed
 * per party newest first (a Query on the party's partition of gsi1, never a Scan), and every fetch
 * of one recorded as an item of its own (who, when), added and never changed.
 */
export class ExchangeRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /**
   * Registers a file (its object already stored). A file id is registered once: the same id again
   * is refused (false), whatever it holds, so a generator that runs twice cannot change a file a
   * party may already have fetched.
   */
  async register(file: ExchangeFile): Promise<boolean> {
    const valid = ExchangeFileSchema.parse(file);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...exchangeFileKey(valid.fileId),
            gsi1pk: exchangeFilesByParty(valid.party),
            gsi1sk: `${valid.createdAt}#${valid.fileId}`,
            ...valid,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(fileId: string): Promise<ExchangeFile | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: exchangeFileKey(fileId) }),
    );
    return out.Item ? ExchangeFileSchema.parse(out.Item) : undefined;
  }

  /** One page of a party's files, newest first, narrowed by tahap, kind and region. */
  async list(party: ExchangeParty, request: ExchangeListRequest = {}): Promise<ExchangeFilePage> {
    const limit = request.limit ?? 50;
    const gsi1pk = exchangeFilesByParty(party);
    const after = request.cursor ? decodeSortKeyCursor(request.cursor, LISTING_SK) : undefined;
    let start: Record<string, unknown> | undefined;
    if (after) {
      const fileId = LISTING_SK.exec(after)?.[2] ?? '';
      start = { ...exchangeFileKey(fileId), gsi1pk, gsi1sk: after };
    }
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':pk': gsi1pk };
    for (const name of ['tahapId', 'kind', 'region'] as const) {
      const value = request[name];
      if (value === undefined) continue;
      filters.push(`#${name} = :${name}`);
      values[`:${name}`] = value;
    }
    const names = Object.fromEntries(
      filters.map((filter) => filter.split(' ')[0] as string).map((name) => [name, name.slice(1)]),
    );
    const items: ExchangeFile[] = [];
    let read = 0;
    let last: string | undefined;
    for (;;) {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: values,
          ...(filters.length > 0
            ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }
            : {}),
          ScanIndexForward: false,
          Limit: Math.min(READ_BUDGET - read, Math.max(limit, 100)),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      read += out.ScannedCount ?? 0;
      for (const item of out.Items ?? []) {
        items.push(ExchangeFileSchema.parse(item));
        last = String(item.gsi1sk);
        if (items.length === limit) {
          const more = out.LastEvaluatedKey !== undefined || item !== out.Items?.at(-1);
          return more ? { items, cursor: encodeSortKeyCursor(last) } : { items };
        }
      }
      if (!out.LastEvaluatedKey) return { items };
      start = out.LastEvaluatedKey;
      last = String(out.LastEvaluatedKey.gsi1sk);
      if (read >= READ_BUDGET) return { items, cursor: encodeSortKeyCursor(last) };
    }
  }

  /** Records one fetch of a file (before its link is handed out). */
  async recordFetch(fetch: ExchangeFetch): Promise<void> {
    const valid = ExchangeFetchSchema.parse(fetch);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: exchangeFetchPartition(valid.fileId),
          sk: `${valid.at}#${randomBytes(6).toString('hex')}`,
          ...valid,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** Every fetch of a file, oldest first. */
  async fetches(fileId: string): Promise<ExchangeFetch[]> {
    const fetches: ExchangeFetch[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': exchangeFetchPartition(fileId) },
    })) {
      fetches.push(ExchangeFetchSchema.parse(item));
    }
    return fetches;
  }
}
