import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { KPM_PERAN } from '../domain/family/kpm.ts';
import type { Recipient } from '../domain/recipient-row.ts';
import { nameKey } from '../domain/text.ts';
import { lazySchema } from '../lazy-schema.ts';
import { type KpmFamily, type StoredRecipient, StoredRecipientSchema } from '../model.ts';
import { jitteredBackoff } from './backoff.ts';
import type { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients/dynamodb.ts';
import {
  flagIndexKey,
  flagIndexPrefix,
  LIST_SHARDS,
  listPartition,
  parseFlagIndexSortKey,
  ROW_SK_FIRST,
  ROW_SK_LAST,
  recipientId,
  recipientKey,
  rowSortKey,
  shardOf,
} from './keys.ts';
import { deletePartitions, shardsOf } from './partitions.ts';

export interface RecipientPage {
  /** `limit` recipients, unless this is the last page. */
  readonly items: StoredRecipient[];
  /** Opaque; absent on the last page (and only there). */
  readonly nextCursor: string | undefined;
}

/** A recipient as the schema reads it, and the raw item it was read from. */
export interface StoredRecipientItem {
  readonly recipient: StoredRecipient;
  readonly item: Record<string, unknown>;
}

/** A finding of the automatic checks, as stored on a recipient. */
export interface StoredFlag {
  readonly code: string;
  readonly severity: 'blocking' | 'warning';
  readonly detail?: string;
}

/**
 * A recipient as the import accepted it, with its warning codes (and, for fixtures, findings); or a
 * KPM list's penerima (`peran` KPM) with the family behind them.
 */
export interface NewRecipient extends Omit<Recipient, 'peran'> {
  readonly peran: Recipient['peran'] | typeof KPM_PERAN;
  readonly warnings: readonly string[];
  readonly flags?: readonly StoredFlag[];
  readonly family?: KpmFamily;
}

interface ShardPage {
  readonly shard: number;
  readonly out: QueryCommandOutput;
}

/**
 * Where the next page starts: a shard and the last row read in it (never a client-made key). The
 * same for an unfiltered and a filtered page: both read a shard in row order.
 */
interface Cursor {
  readonly shard: number;
  readonly afterSk?: string;
}

/**
 * Shards a name search reads at once (see `walkAhead`). Measured on the local stack (2 cores), a
 * scan of a 30,000-row list: 1 → 966 ms, 4 → 834 ms, 8 → 1,109 ms (DynamoDB Local is CPU-bound
 * there; in AWS each Query waits on the network, and more lanes would gain more).
 */
const READ_AHEAD_SHARDS = 4;

/** BatchGetItem's limit. */
const BATCH_GET_KEYS = 100;
const BATCH_GET_ATTEMPTS = 8;

/** The codes a recipient item is indexed under: its import warnings and its checks' findings. */
export function indexedCodes(item: {
  readonly warnings?: readonly string[] | undefined;
  readonly flagCodes?: readonly string[] | undefined;
}): Set<string> {
  return new Set([...(item.warnings ?? []), ...(item.flagCodes ?? [])]);
}

/** Whether a recipient carries `code`, as a warning or as a finding. */
const carries = (recipient: StoredRecipient, code: string) =>
  recipient.warnings.includes(code) || (recipient.flagCodes?.includes(code) ?? false);

/**
 * The items of one recipient of a list: the recipient, then one flag index entry per code it
 * carries (see `keys.ts`). The one place these items are built; the import writes them with the
 * list's other items, so the entries are as invisible as the list until it is made current.
 */
export function recipientItems(
  listId: string,
  row: number,
  recipient: NewRecipient,
): Record<string, unknown>[] {
  const { flags, warnings, ...fields } = recipient;
  const { pk, sk } = recipientKey(listId, row);
  // One literal with a single spread: a second spread (the key's, then the fields') took V8's slow
  // path, ~15–40 µs per recipient, the import's largest cost per row after validation (issue #12).
  const item: Record<string, unknown> = {
    pk,
    sk,
    recipientId: recipientId(listId, row),
    row,
    ...fields,
    warnings: [...new Set(warnings)],
  };
  if (flags && flags.length > 0) {
    item.flags = flags;
    item.flagCodes = flags.map((entry) => entry.code);
  }
  const codes = indexedCodes({ warnings, flagCodes: flags?.map((entry) => entry.code) });
  return [item, ...[...codes].map((code) => flagIndexKey(listId, code, row))];
}

/**
 * A list's flag index entries as {@link RecipientsRepository.stream} read them (when given one):
 * what the checks need to bring each recipient's entries in line with the codes it carries, without
 * reading the entries again. Holds one small array per indexed row.
 */
export class FlagIndex {
  private readonly byRow = new Map<number, string[]>();
  /** One string per code, however many entries carry it. */
  private readonly interned = new Map<string, string>();

  constructor(readonly listId: string) {}

  add(code: string, row: number): void {
    let name = this.interned.get(code);
    if (name === undefined) {
      name = code;
      this.interned.set(code, name);
    }
    const codes = this.byRow.get(row);
    if (!codes) this.byRow.set(row, [name]);
    else if (!codes.includes(name)) codes.push(name);
  }

  codesOf(row: number): readonly string[] {
    return this.byRow.get(row) ?? [];
  }

  /**
   * Puts the entries `row` lacks and deletes those it should not have, so that its entries are
   * exactly `codes` (pass {@link indexedCodes} of the item as written). Resolves with the number of
   * writes. An entry that was missing (a crash between a recipient's write and its entries') or left
   * over is put right here, by the next run of whoever calls this for every row.
   */
  async sync(writer: BatchWriter, row: number, codes: Iterable<string>): Promise<number> {
    const want = new Set(codes);
    const have = this.codesOf(row);
    let writes = 0;
    for (const code of want) {
      if (have.includes(code)) continue;
      await writer.put(flagIndexKey(this.listId, code, row));
      writes++;
    }
    for (const code of have) {
      if (want.has(code)) continue;
      await writer.delete(flagIndexKey(this.listId, code, row));
      writes++;
    }
    if (writes > 0) {
      this.byRow.delete(row);
      for (const code of want) this.add(code, row);
    }
    return writes;
  }
}

/**
 * Recipient lists, each spread over {@link LIST_SHARDS} partitions, with a flag index beside the
 * recipients in each partition (see `keys.ts`).
 */
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
   * One page of a list, in shard and row order. A page has `limit` recipients unless it is the
   * last, and only the last has no cursor: one recipient more than asked is looked for, to know.
   *
   * `filter` keeps only recipients carrying that warning or flag code, read through the flag index:
   * at most one Query per shard (entries, keys only) and ⌈(limit + 1) / 100⌉ BatchGetItem calls
   * for the recipients, whatever the list's size or how rare the code. An entry whose recipient
   * does not carry the code (a checks run is rewriting it) is skipped and the walk goes on.
   */
  async page(listId: string, limit: number, cursor?: string, filter?: string): Promise<RecipientPage> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`page limit ${limit}`);
    const start = cursor ? decodeCursor(cursor) : { shard: 0 };
    const found = filter
      ? await this.carrying(listId, filter, start, limit + 1)
      : await this.rows(listId, start, limit + 1);
    const items = found.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        found.length > limit && last
          ? encodeCursor({ shard: shardOf(last.row), afterSk: rowSortKey(last.row) })
          : undefined,
    };
  }

  /**
   * One page of a name search: the recipients whose `nama` contains `query` ({@link nameKey}: case,
   * accents and spacing ignored), in list order, only those carrying `filter` when given.
   *
   * The name is matched here, in code, on what the Queries read (only the row and the name: the few
   * matches are then read whole by key): DynamoDB's `contains` is case-sensitive and a normalised
   * copy of every name would be one more attribute the import and the checks must keep in step (and
   * a filter costs the same reads). The work is bounded instead:
   * one call reads at most `budget` items (recipients, or flag index entries and their recipients)
   * walking the shards in order, and answers with the matches found so far and a cursor where the
   * walk stopped — fewer than `limit` matches, even none, with a cursor, means "not done yet". Only
   * a page that reached the end of the list has no cursor. The cursor is the same opaque shape as
   * {@link page}'s (a shard and the last row read), so it cannot point at another list.
   */
  async search(
    listId: string,
    options: {
      readonly query: string;
      readonly limit: number;
      readonly cursor?: string | undefined;
      readonly filter?: string | undefined;
      readonly budget: number;
    },
  ): Promise<RecipientPage & { readonly examined: number }> {
    const { limit, budget, filter } = options;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`page limit ${limit}`);
    if (!Number.isInteger(budget) || budget < limit) throw new RangeError(`search budget ${budget}`);
    const wanted = nameKey(options.query);
    const start = options.cursor ? decodeCursor(options.cursor) : { shard: 0 };
    const matches: StoredRecipient[] = [];
    let examined = 0;
    let position: Cursor = start;
    // One walk of up to `budget` items, then the matches among them (never more than `limit` + 1 kept).
    if (filter) {
      const entries = await this.indexedRows(listId, filter, start, budget);
      examined = entries.rows.length;
      position = entries.next;
      const recipients = await this.getRows(listId, entries.rows);
      for (const row of entries.rows) {
        const recipient = recipients.get(row);
        if (recipient && carries(recipient, filter) && nameKey(recipient.nama).includes(wanted)) {
          matches.push(recipient);
        }
      }
    } else {
      const walk = await this.walkAhead(listId, start, budget);
      examined = walk.items.length;
      position = walk.next;
      const rows: number[] = [];
      for (const item of walk.items) {
        if (typeof item.nama !== 'string' || typeof item.row !== 'number') continue;
        if (nameKey(item.nama).includes(wanted)) rows.push(item.row);
        // One more than a page tells that there is a next page; no need to fetch the rest.
        if (rows.length > limit) break;
      }
      const found = await this.getRows(listId, rows);
      for (const row of rows) {
        const recipient = found.get(row);
        if (recipient) matches.push(recipient);
      }
    }
    const items = matches.slice(0, limit);
    const last = items.at(-1);
    let nextCursor: string | undefined;
    if (matches.length > limit && last) {
      // More matches than a page: the next page starts after the last one shown (and reads again
      // what this call read past it, which the budget allows for).
      nextCursor = encodeCursor({ shard: shardOf(last.row), afterSk: rowSortKey(last.row) });
    } else if (position.shard < LIST_SHARDS) {
      nextCursor = encodeCursor(position);
    }
    return { items, nextCursor, examined };
  }

  /**
   * Like {@link walkShards} over the recipients (no prefix), reading ahead: the Queries of the next
   * {@link READ_AHEAD_SHARDS} shards run at once and are taken in shard order, so a scan of the
   * whole list (a name no one has) waits for the slowest of each group of shards instead of every
   * shard in turn. Up to `count` items are taken; what the read-ahead fetched beyond them (at most
   * one page of each shard still in flight) is dropped and read again by the next call.
   */
  private async walkAhead(
    listId: string,
    start: Cursor,
    count: number,
  ): Promise<{ items: Record<string, unknown>[]; next: Cursor }> {
    const query = (shard: number, from: string) =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': listPartition(listId, shard),
            ':from': from,
            ':to': ROW_SK_LAST,
          },
          // Only what the match needs: the few matches are then read whole, by key.
          ProjectionExpression: 'sk, #row, nama',
          ExpressionAttributeNames: { '#row': 'row' },
          Limit: count,
        }),
      );
    const ahead = new Map<number, Promise<QueryCommandOutput>>();
    const launch = (shard: number, from: string | undefined) => {
      if (shard >= LIST_SHARDS || ahead.has(shard)) return;
      const read =
        from === undefined ? Promise.resolve({ $metadata: {} } as QueryCommandOutput) : query(shard, from);
      // A read the walk never takes (the count was reached first) must not fail unobserved.
      read.catch(() => {});
      ahead.set(shard, read);
    };
    const items: Record<string, unknown>[] = [];
    let position = start;
    launch(position.shard, firstRowSk(position));
    while (items.length < count && position.shard < LIST_SHARDS) {
      for (let shard = position.shard + 1; shard < position.shard + READ_AHEAD_SHARDS; shard++) {
        launch(shard, ROW_SK_FIRST);
      }
      const read = ahead.get(position.shard);
      ahead.delete(position.shard);
      const out = await (read ?? query(position.shard, firstRowSk(position) ?? ROW_SK_LAST));
      const page = out.Items ?? [];
      const room = count - items.length;
      const taken = page.length > room ? page.slice(0, room) : page;
      items.push(...taken);
      const lastTaken = taken.at(-1)?.sk;
      if (taken.length < page.length && typeof lastTaken === 'string') {
        position = { shard: position.shard, afterSk: lastTaken };
      } else if (typeof out.LastEvaluatedKey?.sk === 'string') {
        // The shard goes on past this page (over 1 MB, or the Limit): read on from where it stopped.
        position = { shard: position.shard, afterSk: out.LastEvaluatedKey.sk };
        launch(position.shard, firstRowSk(position));
      } else {
        position = { shard: position.shard + 1 };
      }
    }
    return { items, next: position };
  }

  /** Up to `count` recipients from `start` on, one Query per shard (recipients' sort keys only). */
  private async rows(listId: string, start: Cursor, count: number): Promise<StoredRecipient[]> {
    const { items } = await this.walkShards(listId, '', start, count);
    return items.map((item) => StoredRecipientSchema.parse(item));
  }

  /** Up to `count` recipients carrying `code` from `start` on: index entries, then the recipients. */
  private async carrying(
    listId: string,
    code: string,
    start: Cursor,
    count: number,
  ): Promise<StoredRecipient[]> {
    const found: StoredRecipient[] = [];
    let position = start;
    while (found.length < count && position.shard < LIST_SHARDS) {
      const entries = await this.indexedRows(listId, code, position, count - found.length);
      position = entries.next;
      const recipients = await this.getRows(listId, entries.rows);
      for (const row of entries.rows) {
        const recipient = recipients.get(row);
        if (recipient && carries(recipient, code)) found.push(recipient);
      }
    }
    return found;
  }

  /** The rows of up to `count` flag index entries of `code` from `start` on, and where they end. */
  private async indexedRows(
    listId: string,
    code: string,
    start: Cursor,
    count: number,
  ): Promise<{ rows: number[]; next: Cursor }> {
    const { items, next } = await this.walkShards(listId, flagIndexPrefix(code), start, count);
    const rows: number[] = [];
    for (const item of items) {
      const entry = typeof item.sk === 'string' ? parseFlagIndexSortKey(item.sk) : undefined;
      if (entry) rows.push(entry.row);
    }
    return { rows, next };
  }

  /**
   * Up to `count` items whose sort keys are `prefix` and a row sort key, from `start` on in shard
   * and row order: at most one Query per shard, each asking only for what is still missing. Resolves
   * with the items and where the next read starts (a shard, and the last row read in it).
   */
  private async walkShards(
    listId: string,
    prefix: string,
    start: Cursor,
    count: number,
  ): Promise<{ items: Record<string, unknown>[]; next: Cursor }> {
    const items: Record<string, unknown>[] = [];
    let position = start;
    while (items.length < count && position.shard < LIST_SHARDS) {
      const from = firstRowSk(position);
      if (from === undefined) {
        position = { shard: position.shard + 1 };
        continue;
      }
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': listPartition(listId, position.shard),
            ':from': `${prefix}${from}`,
            ':to': `${prefix}${ROW_SK_LAST}`,
          },
          Limit: count - items.length,
        }),
      );
      items.push(...(out.Items ?? []));
      const lastSk = out.LastEvaluatedKey?.sk;
      position =
        typeof lastSk === 'string'
          ? { shard: position.shard, afterSk: lastSk.slice(prefix.length) }
          : { shard: position.shard + 1 };
    }
    return { items, next: position };
  }

  /** The recipients of `rows` that exist, by row: BatchGetItem in calls of 100, all at once. */
  private async getRows(listId: string, rows: readonly number[]): Promise<Map<number, StoredRecipient>> {
    const found = new Map<number, StoredRecipient>();
    const chunks: number[][] = [];
    for (let i = 0; i < rows.length; i += BATCH_GET_KEYS) chunks.push(rows.slice(i, i + BATCH_GET_KEYS));
    await Promise.all(
      chunks.map(async (chunk) => {
        let keys: Record<string, unknown>[] = chunk.map((row) => recipientKey(listId, row));
        for (let attempt = 1; keys.length > 0; attempt++) {
          if (attempt > 1) {
            if (attempt > BATCH_GET_ATTEMPTS) {
              throw new Error(
                `BatchGetItem left ${keys.length} keys unprocessed after ${attempt - 1} attempts`,
              );
            }
            await jitteredBackoff(attempt, 25, 2_000);
          }
          const out = await this.client.send(
            new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
          );
          for (const item of out.Responses?.[this.tableName] ?? []) {
            const recipient = StoredRecipientSchema.parse(item);
            found.set(recipient.row, recipient);
          }
          keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        }
      }),
    );
    return found;
  }

  /**
   * Every recipient of a list, shard by shard in pages of up to 1 MB, each with the item as stored
   * (keys and every attribute, so a caller that rewrites an item keeps what it does not know of).
   * The next page is fetched while the caller works on this one; memory stays at about two pages
   * whatever the list's size. Strongly consistent: a caller comparing with what it wrote earlier
   * sees its own writes.
   *
   * Given `index`, the list's flag index entries (read with the recipients, in the same Queries) are
   * added to it rather than yielded; otherwise they are not read at all.
   */
  async *stream(listId: string, options: { index?: FlagIndex } = {}): AsyncGenerator<StoredRecipientItem> {
    const { index } = options;
    if (index && index.listId !== listId) throw new Error(`flag index of ${index.listId}, not ${listId}`);
    const withIndex = index !== undefined;
    let next: Promise<ShardPage> | undefined = this.shardPage(listId, 0, withIndex);
    while (next) {
      const page: ShardPage = await next;
      const { shard, out } = page;
      const after: Record<string, unknown> | undefined = out.LastEvaluatedKey;
      next = after
        ? this.shardPage(listId, shard, withIndex, after)
        : shard + 1 < LIST_SHARDS
          ? this.shardPage(listId, shard + 1, withIndex)
          : undefined;
      for (const item of out.Items ?? []) {
        const entry = index && typeof item.sk === 'string' ? parseFlagIndexSortKey(item.sk) : undefined;
        if (entry) index?.add(entry.code, entry.row);
        else yield { recipient: StoredRecipientSchema.parse(item), item };
      }
    }
  }

  /**
   * One page of one shard, already on its way. Marked handled at once: it is awaited only after the
   * caller is done with the page before, and a failure meanwhile must not count as unhandled (nor
   * crash the process when the caller stops early and never awaits it).
   */
  private shardPage(
    listId: string,
    shard: number,
    withIndex: boolean,
    after?: Record<string, unknown>,
  ): Promise<ShardPage> {
    const page = this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          ...(withIndex
            ? {
                KeyConditionExpression: 'pk = :pk',
                ExpressionAttributeValues: { ':pk': listPartition(listId, shard) },
              }
            : {
                KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
                ExpressionAttributeValues: {
                  ':pk': listPartition(listId, shard),
                  ':from': ROW_SK_FIRST,
                  ':to': ROW_SK_LAST,
                },
              }),
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      )
      .then((out) => ({ shard, out }));
    page.catch(() => {});
    return page;
  }

  /** Deletes every item of a list (a superseded or abandoned one), flag index included. Idempotent. */
  deleteList(listId: string): Promise<number> {
    return deletePartitions(
      this.tableName,
      this.client,
      shardsOf(LIST_SHARDS, (shard) => listPartition(listId, shard)),
    );
  }
}

/** The name normalisation of searches (`shared/domain/text.ts`), where the recipient search reads it. */
export { nameKey };

/** The first row sort key to read in the cursor's shard; undefined when the shard is done. */
function firstRowSk(position: Cursor): string | undefined {
  if (!position.afterSk) return ROW_SK_FIRST;
  if (position.afterSk >= ROW_SK_LAST) return undefined;
  return rowSortKey(Number(position.afterSk) + 1);
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

const CursorSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    shard: z.number().int().min(0).max(LIST_SHARDS),
    afterSk: z
      .string()
      .regex(/^\d{7}$/)
      .optional(),
  }),
);

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
