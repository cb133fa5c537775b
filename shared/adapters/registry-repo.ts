import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import {
  decodeRegistryChunk,
  encodeRegistryChunk,
  REGISTRY_CHUNK_ENTRIES,
  type RegisteredList,
  type RegistryRow,
} from '../domain/registry-index.ts';
import { lazySchema } from '../lazy-schema.ts';
import type { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients/dynamodb.ts';

/**
 * The cross-region registry of the automatic checks: the NIK, account, row and role of every
 * recipient of every checked list of a list scope (`listScope(kind, period)` in
 * `shared/domain/proposal.ts`: a BKK period, `2026-S1`, or a KPM tahap, `KPM#2026-1`, so that a KPM
 * list and a BKK list never meet here; a KPM list registers one entry per family member, with the
 * No KK where a BKK entry has the account, see `registry-index.ts`), stored as a few chunk items per list so that a run
 * reads the other regions' lists in bulk (a few 1 MB Query pages per 30,000 recipients) and checks
 * its own list in memory (`RegistryIndex` in `shared/domain/registry-index.ts`), rather than making
 * two Queries per recipient. Each checks run writes its own list's chunks before it reads anyone
 * else's, so of two regions checked at the same time at least the later one sees the other (and
 * then asks the first to re-check).
 *
 * | item        | pk                          | sk                        | attributes                                   |
 * |-------------|-----------------------------|---------------------------|----------------------------------------------|
 * | list chunk  | REGSET#<scope>#<region>     | <listId>#<chunk, 5 digits> | proposalId, listId, chunk, count, entries, registeredAt |
 *
 * `entries` is up to {@link REGISTRY_CHUNK_ENTRIES} lines of `<nik>|<account>|<row>|<peran>` (≤ ~120 KB,
 * under the 400 KB item limit). One partition per region and scope: a run reads each other region's
 * *live* list with one Query sequence on its `<listId>#` prefix, so what it reads grows with the
 * lists that count, never with replaced ones, and a 300,000-recipient province spreads over the
 * regions' partitions (each one's throughput limits apply to its own region's data only).
 *
 * A list is written whole by every run of it (the same chunks: the list never changes under its id).
 * A live list found without a chunk (checked before this layout, whose `REG#<period>#N#…`/`#A#…`
 * items nothing reads any more, or whose own run has not registered it yet) is registered from its
 * recipients by the run that finds it (`functions/checks/run-checks.ts`), once.
 * A region's earlier lists are deleted by its next list's run ({@link staleChunks}); until then, and
 * for drafts and rejected proposals, they stay but are never read (`isLive` in
 * `shared/domain/checks.ts` decides which lists count).
 *
 * Known trade-off: the items hold NIKs and account numbers in plain text, as the recipient items
 * themselves do (same table, same encryption and access). A keyed hash (HMAC with a secret) would
 * hide them from anyone reading the table without the key, at the cost of a secret to manage.
 */

/** The partition of one region's lists of a scope (`listScope(kind, period)`). */
export const registryPartition = (scope: string, region: string) => `REGSET#${scope}#${region}`;

/** The sort key prefix of one list's chunks. */
export const registryListPrefix = (listId: string) => `${listId}#`;

/** Key of one chunk of a list. */
export const registryChunkKey = (scope: string, region: string, listId: string, chunk: number) => ({
  pk: registryPartition(scope, region),
  sk: `${registryListPrefix(listId)}${String(chunk).padStart(5, '0')}`,
});

/** A list as the registry stores it: which proposal and list scope it belongs to. */
export interface RegistryList extends RegisteredList {
  /** `listScope(kind, period)`. */
  readonly scope: string;
}

/**
 * A BKK list named by its period, as callers written before KPM lists did: a BKK period is its own
 * scope (`listScope('BKK', period) === period`).
 */
export interface PeriodRegistryList extends RegisteredList {
  readonly period: string;
}

const scopeOf = (list: RegistryList | PeriodRegistryList): RegistryList =>
  'scope' in list
    ? list
    : { region: list.region, proposalId: list.proposalId, listId: list.listId, scope: list.period };

const ChunkSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    sk: z.string(),
    proposalId: z.string(),
    listId: z.string(),
    entries: z.string(),
  }),
);

const StaleChunkSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    pk: z.string(),
    sk: z.string(),
    listId: z.string(),
    registeredAt: z.string().optional(),
  }),
);

/** What reading the registry cost (for tests and benchmarks: it must not grow with Queries per row). */
export interface RegistryReadStats {
  /** Lists read. */
  readonly lists: number;
  /** Chunk items read. */
  readonly chunks: number;
  /** Entries read. */
  readonly entries: number;
  /** Query calls made (pages). */
  readonly queries: number;
}

/** What {@link RegistryRepository.readLists} read, and which of the lists asked for it found no chunk of. */
export interface RegistryRead extends RegistryReadStats {
  /**
   * Lists with no chunk: checked before the registry held lists in chunks (the per-recipient items
   * it replaced), or being checked right now and not yet registered. The caller registers them.
   */
  readonly unregistered: readonly RegisteredList[];
}

/**
 * Collects one list's entries and writes them as chunk items, a chunk as soon as it is full (so at
 * most one chunk is held), through the caller's batch writer.
 */
export class RegistryListWriter {
  private rows: RegistryRow[] = [];
  private chunk = 0;
  /** Chunk items written (or queued on the batch writer). */
  chunks = 0;

  constructor(
    private readonly list: RegistryList,
    private readonly writer: BatchWriter,
    private readonly registeredAt: string,
  ) {}

  async add(row: RegistryRow): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= REGISTRY_CHUNK_ENTRIES) await this.writeChunk();
  }

  /** Queues the last, partial chunk; the caller flushes the batch writer. */
  async end(): Promise<void> {
    if (this.rows.length > 0) await this.writeChunk();
  }

  private async writeChunk(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    const { scope, region, proposalId, listId } = this.list;
    await this.writer.put({
      ...registryChunkKey(scope, region, listId, this.chunk),
      proposalId,
      listId,
      chunk: this.chunk,
      count: rows.length,
      entries: encodeRegistryChunk(rows),
      registeredAt: this.registeredAt,
    });
    this.chunk++;
    this.chunks++;
  }
}

export class RegistryRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /**
   * A writer of `list`'s chunks through `writer` (batched; the caller flushes). Rewriting a list
   * puts the same keys again, so a retried run leaves no duplicates.
   */
  listWriter(
    list: RegistryList | PeriodRegistryList,
    writer: BatchWriter,
    registeredAt: string,
  ): RegistryListWriter {
    return new RegistryListWriter(scopeOf(list), writer, registeredAt);
  }

  /**
   * Every entry of the given lists of a scope, each handed to `onRow` with its list. One Query
   * sequence per list, the lists in parallel, pages decoded as they arrive (the raw items are not
   * kept). Strongly consistent, so chunks written by a run that finished registering before this
   * call are seen.
   */
  async readLists(
    scope: string,
    lists: readonly RegisteredList[],
    onRow: (list: RegisteredList, row: RegistryRow) => void,
  ): Promise<RegistryRead> {
    const unregistered: RegisteredList[] = [];
    let chunks = 0;
    let entries = 0;
    let queries = 0;
    await Promise.all(
      lists.map(async (list) => {
        const input: QueryCommandInput = {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': registryPartition(scope, list.region),
            ':prefix': registryListPrefix(list.listId),
          },
          ConsistentRead: true,
        };
        let found = 0;
        do {
          const out = await this.client.send(new QueryCommand(input));
          queries++;
          for (const item of out.Items ?? []) {
            const chunk = ChunkSchema.parse(item);
            if (chunk.listId !== list.listId) continue;
            chunks++;
            found++;
            for (const row of decodeRegistryChunk(chunk.entries)) {
              onRow(list, row);
              entries++;
            }
          }
          input.ExclusiveStartKey = out.LastEvaluatedKey;
        } while (input.ExclusiveStartKey);
        if (found === 0) unregistered.push(list);
      }),
    );
    return { lists: lists.length, chunks, entries, queries, unregistered };
  }

  /**
   * Keys of a region's chunks of lists other than `listId` registered before `before`: what its run
   * of `listId` deletes. Chunks registered later are left alone (a newer list's run may have started
   * meanwhile, and must keep its own); whatever is left is never read and goes with a later run.
   */
  async staleChunks(
    scope: string,
    region: string,
    listId: string,
    before: string,
  ): Promise<{ pk: string; sk: string }[]> {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': registryPartition(scope, region) },
      ProjectionExpression: 'pk, sk, listId, registeredAt',
      ConsistentRead: true,
    };
    const stale: { pk: string; sk: string }[] = [];
    do {
      const out = await this.client.send(new QueryCommand(input));
      for (const item of out.Items ?? []) {
        const chunk = StaleChunkSchema.parse(item);
        if (chunk.listId !== listId && (chunk.registeredAt ?? '') < before) {
          stale.push({ pk: chunk.pk, sk: chunk.sk });
        }
      }
      input.ExclusiveStartKey = out.LastEvaluatedKey;
    } while (input.ExclusiveStartKey);
    return stale;
  }
}
