import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type StoredRecipient, StoredRecipientSchema } from '../model.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients.ts';
import { LIST_SHARDS, listPartition, recipientKey } from './keys.ts';

export interface RecipientPage {
  readonly items: StoredRecipient[];
  /** Opaque; absent on the last page. */
  readonly nextCursor: string | undefined;
}

/** A recipient as the schema reads it, and the raw item it was read from. */
export interface StoredRecipientItem {
  readonly recipient: StoredRecipient;
  readonly item: Record<string, unknown>;
}

interface ShardPage {
  readonly shard: number;
  readonly out: QueryCommandOutput;
}

/** Where the next page starts: a shard and the last sort key read in it (never a client-made key). */
interface Cursor {
  readonly shard: number;
  readonly afterSk?: string;
}

/** Recipient lists, each spread over {@link LIST_SHARDS} partitions (see `keys.ts`). */
export class RecipientsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async get(listId: string, row: number): Promise<StoredRecipient | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: recipientKey(listId, row) }),
    );
    return out.Item ? StoredRecipientSchema.parse(out.Item) : undefined;
  }

  /**
   * One page of a list, walking the shards in order. `filter` keeps only recipients carrying that
   * warning or flag code (applied server-side, so a page may hold fewer than `limit`).
   */
  async page(listId: string, limit: number, cursor?: string, filter?: string): Promise<RecipientPage> {
    let position = cursor ? decodeCursor(cursor) : { shard: 0 };
    const items: StoredRecipient[] = [];
    while (items.length < limit && position.shard < LIST_SHARDS) {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': listPartition(listId, position.shard),
            ...(filter ? { ':flag': filter } : {}),
          },
          ...(filter ? { FilterExpression: 'contains(warnings, :flag) OR contains(flagCodes, :flag)' } : {}),
          Limit: limit - items.length,
          ...(position.afterSk
            ? { ExclusiveStartKey: { pk: listPartition(listId, position.shard), sk: position.afterSk } }
            : {}),
        }),
      );
      for (const item of out.Items ?? []) items.push(StoredRecipientSchema.parse(item));
      const lastSk = out.LastEvaluatedKey?.sk;
      position =
        typeof lastSk === 'string'
          ? { shard: position.shard, afterSk: lastSk }
          : { shard: position.shard + 1 };
    }
    return { items, nextCursor: position.shard < LIST_SHARDS ? encodeCursor(position) : undefined };
  }

  /**
   * Every recipient of a list, shard by shard in pages of up to 1 MB, each with the item as stored
   * (keys and every attribute, so a caller that rewrites an item keeps what it does not know of).
   * The next page is fetched while the caller works on this one; memory stays at about two pages
   * whatever the list's size. Strongly consistent: a caller comparing with what it wrote earlier
   * sees its own writes.
   */
  async *stream(listId: string): AsyncGenerator<StoredRecipientItem> {
    let next: Promise<ShardPage> | undefined = this.shardPage(listId, 0);
    while (next) {
      const page: ShardPage = await next;
      const { shard, out } = page;
      const after: Record<string, unknown> | undefined = out.LastEvaluatedKey;
      next = after
        ? this.shardPage(listId, shard, after)
        : shard + 1 < LIST_SHARDS
          ? this.shardPage(listId, shard + 1)
          : undefined;
      for (const item of out.Items ?? []) yield { recipient: StoredRecipientSchema.parse(item), item };
    }
  }

  /**
   * One page of one shard, already on its way. Marked handled at once: it is awaited only after the
   * caller is done with the page before, and a failure meanwhile must not count as unhandled (nor
   * crash the process when the caller stops early and never awaits it).
   */
  private shardPage(listId: string, shard: number, after?: Record<string, unknown>): Promise<ShardPage> {
    const page = this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': listPartition(listId, shard) },
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      )
      .then((out) => ({ shard, out }));
    page.catch(() => {});
    return page;
  }

  /** Deletes every item of a list (a superseded or abandoned one). Idempotent. */
  async deleteList(
    listId: string,
    writer = new BatchWriter(this.tableName, { client: this.client }),
  ): Promise<number> {
    let deleted = 0;
    for (let shard = 0; shard < LIST_SHARDS; shard++) {
      let after: Record<string, unknown> | undefined;
      do {
        const out = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': listPartition(listId, shard) },
            ProjectionExpression: 'pk, sk',
            ...(after ? { ExclusiveStartKey: after } : {}),
          }),
        );
        for (const key of out.Items ?? []) {
          await writer.delete({ pk: key.pk, sk: key.sk });
          deleted++;
        }
        after = out.LastEvaluatedKey;
      } while (after);
    }
    await writer.flush();
    return deleted;
  }
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

const CursorSchema = z.object({
  shard: z.number().int().min(0).max(LIST_SHARDS),
  afterSk: z
    .string()
    .regex(/^\d{7}$/)
    .optional(),
});

function decodeCursor(text: string): Cursor {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // not base64url JSON: same answer as a malformed one
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
  }
}
