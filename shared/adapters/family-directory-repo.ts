import { randomBytes } from 'node:crypto';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { BadRequestError } from '../errors.ts';
import {
  type BulkRead,
  type BulkReadLogRecord,
  BulkReadLogRecordSchema,
  type ReadLogRecord,
  ReadLogRecordSchema,
  type StoredFamily,
  StoredFamilySchema,
} from '../model.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './clients/dynamodb.ts';
import {
  desaReadLogPartition,
  familiesByDesaIndexKey,
  familyByIdKey,
  familyByKkIndexKey,
  familyIdByKkKey,
  fileReadLogPartition,
  listReadLogPartition,
  memberByNikIndexKey,
  readLogByReader,
  readLogPartition,
} from './keys.ts';
import { queryItems } from './partitions.ts';
import { decodeSortKeyCursor, encodeSortKeyCursor } from './sort-key-cursor.ts';
import { transactWrite, WriteConflict } from './transactions.ts';

/** A family item as an index finds it: the import that wrote it, and the family. */
export interface FamilyRow {
  readonly importId: string;
  readonly family: StoredFamily;
}

/** A member item as the NIK index finds it: the import that wrote it and the member's No KK. */
export interface MemberRow {
  readonly importId: string;
  readonly noKk: string;
}

/** One page of a family's read log, newest first. */
export interface ReadLogPage {
  readonly items: ReadLogRecord[];
  readonly cursor?: string;
}

/** The read log partition of a bulk read: what it read (a desa's families in a tahap, a KPM list). */
export function bulkReadPartition(read: BulkRead): string {
  switch (read.kind) {
    case 'DESA':
      return desaReadLogPartition(read.tahapId, read.desaCode);
    case 'LIST':
      return listReadLogPartition(read.listId);
    case 'FILE':
      return fileReadLogPartition(read.region);
  }
}

/** RFC 4648 base32: a family id is `KEL-` and 12 of these (60 random bits). */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newFamilyId(): string {
  const bytes = randomBytes(12);
  let id = 'KEL-';
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

/** The sort key of a read log item: `<ISO at>#<random>`; a cursor names one and nothing else. */
const READ_LOG_SK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[a-z0-9]{8,32}$/;

/** The sort key a reads cursor names; {@link BadRequestError} for anything a reads page did not hand out. */
export const decodeReadsCursor = (cursor: string): string => decodeSortKeyCursor(cursor, READ_LOG_SK);

/**
 * The family search's storage (issue #14): the lookup indexes on the DTSEN snapshot items (by No
 * KK and NIK in gsi1, by desa and head's name in gsi2: `keys.ts` familyLookup), the families'
 * opaque ids, and the read log (UU PDP). Which rows count (a READY snapshot's current halves) is
 * decided by the caller, which knows the snapshots.
 */
export class FamilyDirectoryRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** Every family item of this No KK, in any import (stale ones too). */
  async familyRows(noKk: string): Promise<FamilyRow[]> {
    const rows: FamilyRow[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': familyByKkIndexKey(noKk) },
    })) {
      rows.push({ importId: String(item.gsi1sk), family: StoredFamilySchema.parse(item) });
    }
    return rows;
  }

  /** Every member item of this NIK, in any import: which No KK each import puts the person in. */
  async memberRows(nik: string): Promise<MemberRow[]> {
    const rows: MemberRow[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': memberByNikIndexKey(nik) },
      ProjectionExpression: 'gsi1sk, noKk',
    })) {
      rows.push({ importId: String(item.gsi1sk).split('#')[0] ?? '', noKk: String(item.noKk) });
    }
    return rows;
  }

  /**
   * Family items of one desa whose head's name starts with `prefix` (already {@link nameKey}ed),
   * in name order, reading at most `budget` items (rows of stale imports count against it).
   * `more` says the budget ran out before the matches did.
   */
  async byName(
    desaCode: string,
    prefix: string,
    budget: number,
  ): Promise<{ readonly rows: FamilyRow[]; readonly more: boolean }> {
    const rows: FamilyRow[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :name)',
          ExpressionAttributeValues: { ':pk': familiesByDesaIndexKey(desaCode), ':name': prefix },
          Limit: budget - rows.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const importId = String(item.gsi2sk).split('#')[2] ?? '';
        rows.push({ importId, family: StoredFamilySchema.parse(item) });
      }
      start = out.LastEvaluatedKey;
    } while (start && rows.length < budget);
    return { rows, more: start !== undefined };
  }

  /**
   * The opaque id of each No KK, assigned on first sight: read together (BatchGet), and for each
   * one without an id, two items written in one transaction conditional on neither existing. Of
   * two searches racing to name a family, the loser reads the winner's id.
   */
  async familyIds(noKks: readonly string[], now: string): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    const unique = [...new Set(noKks)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] = unique.slice(i, i + 100).map((noKk) => familyIdByKkKey(noKk));
      for (let attempt = 0; keys.length > 0 && attempt < 10; attempt++) {
        const out = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) {
          ids.set(String(item.noKk), String(item.familyId));
        }
        keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
      if (keys.length > 0) throw new Error('family ids: BatchGet left keys unprocessed');
    }
    const missing = unique.filter((noKk) => !ids.has(noKk));
    const assigned = await Promise.all(missing.map((noKk) => this.assignId(noKk, now)));
    missing.forEach((noKk, index) => {
      const id = assigned[index];
      if (id) ids.set(noKk, id);
    });
    return ids;
  }

  /** The No KK a family id stands for; undefined for an id never given. */
  async noKkOf(familyId: string): Promise<string | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: familyByIdKey(familyId), ConsistentRead: true }),
    );
    return out.Item ? String(out.Item.noKk) : undefined;
  }

  /**
   * Writes the read log items of one answer (BatchWriteItem, 25 a call): one per family read, or one
   * per bulk read keyed by what it showed ({@link bulkReadPartition}); throws when any could not be
   * written, so the answer is not served.
   */
  async logReads(records: readonly (ReadLogRecord | BulkReadLogRecord)[]): Promise<void> {
    if (records.length === 0) return;
    const writer = new BatchWriter(this.tableName, { client: this.client });
    for (const record of records) {
      const item =
        'read' in record ? BulkReadLogRecordSchema.parse(record) : ReadLogRecordSchema.parse(record);
      const pk = 'read' in item ? bulkReadPartition(item.read) : readLogPartition(item.familyId);
      const random = randomBytes(8).toString('hex');
      await writer.put({
        pk,
        sk: `${item.at}#${random}`,
        gsi1pk: readLogByReader(item.who.sub),
        gsi1sk: item.at,
        ...item,
      });
    }
    await writer.flush();
  }

  /**
   * The newest `limit` bulk reads of any of these partitions ({@link desaReadLogPartition},
   * {@link listReadLogPartition}), newest first: one Query of at most `limit` items each.
   */
  async bulkReads(partitions: readonly string[], limit: number): Promise<BulkReadLogRecord[]> {
    const pages = await Promise.all(
      [...new Set(partitions)].map(async (pk) => {
        const out = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ScanIndexForward: false,
            Limit: limit,
          }),
        );
        return (out.Items ?? []).map((item) => ({
          sk: String(item.sk),
          record: BulkReadLogRecordSchema.parse(item),
        }));
      }),
    );
    return pages
      .flat()
      .sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0))
      .slice(0, limit)
      .map(({ record }) => record);
  }

  /** One page of who read a family, newest first. */
  async reads(
    familyId: string,
    request: { readonly cursor?: string; readonly limit: number },
  ): Promise<ReadLogPage> {
    const pk = readLogPartition(familyId);
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: request.limit,
        ...(request.cursor ? { ExclusiveStartKey: { pk, sk: decodeReadsCursor(request.cursor) } } : {}),
      }),
    );
    const items = (out.Items ?? []).map((item) => ReadLogRecordSchema.parse(item));
    const last = out.LastEvaluatedKey;
    return last ? { items, cursor: encodeSortKeyCursor(String(last.sk)) } : { items };
  }

  private async assignId(noKk: string, now: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const familyId = newFamilyId();
      const record = { familyId, noKk, createdAt: now };
      try {
        await transactWrite(
          [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...familyIdByKkKey(noKk), ...record },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...familyByIdKey(familyId), ...record },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
          { client: this.client },
        );
        return familyId;
      } catch (error) {
        if (!(error instanceof WriteConflict)) throw error;
        // Another search named the family first (or the two collided): its id stands.
        const out = await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: familyIdByKkKey(noKk), ConsistentRead: true }),
        );
        if (out.Item) return String(out.Item.familyId);
        // The random id was taken by another family: try another.
      }
    }
    throw new Error('family id: no free id after 3 attempts');
  }
}
