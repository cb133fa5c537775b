import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { AuditRecord } from '../domain/audit.ts';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_CHANNELS,
  COMPLAINT_STATUSES,
  type ComplaintCategory,
  type ComplaintStatus,
  isOpen,
} from '../domain/complaints.ts';
import { kecamatanOfDesa } from '../domain/wilayah.ts';
import { ConflictError } from '../errors.ts';
import { lazySchema } from '../lazy-schema.ts';
import { AuditRecordSchema } from '../model.ts';
import { auditItem } from './audit-items.ts';
import { documentClient } from './clients/dynamodb.ts';
import {
  auditPartition,
  COMPLAINTS_ALL_INDEX_KEY,
  complaintAreaSortKey,
  complaintCodeKey,
  complaintDueSortKey,
  complaintKey,
  complaintRateKey,
  complaintSortKey,
  complaintStatsPartition,
  complaintsByUnit,
  familyComplaintsPartition,
  publicationKey,
} from './keys.ts';
import { batchGetItems, queryItems } from './partitions.ts';
import { decodeSortKeyCursor, encodeSortKeyCursor } from './sort-key-cursor.ts';
import { type TransactItem, transactWrite, WriteConflict } from './transactions.ts';

const Person = () => z.object({ sub: z.string(), name: z.string() });

/** A complaint as stored (`COMPLAINT#<complaintId>` / `COMPLAINT`). */
export const ComplaintRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    complaintId: z.string(),
    code: z.string(),
    category: z.enum(COMPLAINT_CATEGORIES),
    channel: z.enum(COMPLAINT_CHANNELS),
    status: z.enum(COMPLAINT_STATUSES),
    desaCode: z.string(),
    kecamatanCode: z.string(),
    /** The kabupaten/kota of the desa (what the complaint is about). */
    region: z.string(),
    /** Who handles it: the kabupaten/kota, or `PROVINSI` (PUNGLI). */
    unit: z.string(),
    text: z.string(),
    nik: z.string().optional(),
    noKk: z.string().optional(),
    /** A phone number to call back, when the complainant left one. */
    telepon: z.string().optional(),
    /** The complainant's name, when given (staff entries: the caller's name as they gave it). */
    pelapor: z.string().optional(),
    /** The family the NIK or No KK names, resolved on the server; shown to staff only. */
    familyId: z.string().optional(),
    /** An objection (SANGGAHAN): the published list it objects to. */
    publicationId: z.string().optional(),
    lodgedAt: z.string(),
    /** The answer's due date (WIB, `YYYY-MM-DD`). */
    dueDate: z.string(),
    assignee: Person().optional(),
    assignedAt: z.string().optional(),
    /** The answer written for the citizen (shown on the public status page). */
    answer: z.string().optional(),
    answeredAt: z.string().optional(),
    answeredBy: Person().optional(),
    closedAt: z.string().optional(),
    closedBy: Person().optional(),
    /** Staff who entered a complaint received by phone, WhatsApp, in person or by letter. */
    enteredBy: Person().optional(),
    version: z.number().int().positive(),
    lastAuditHash: z.string(),
  }),
);
export type ComplaintRecord = z.infer<typeof ComplaintRecordSchema>;

/**
 * A desa's KPM list published for objections (`PUBLICATION#<publicationId>` / `PUBLICATION`): the
 * penerima's names and NIKs already masked, as they were when published, so the public item holds
 * nothing more than the notice shows.
 */
export const PublicationRecordSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    publicationId: z.string(),
    tahapId: z.string(),
    region: z.string(),
    desaCode: z.string(),
    proposalId: z.string(),
    listId: z.string(),
    /** The last day objections are taken (WIB, inclusive). */
    until: z.string(),
    createdAt: z.string(),
    createdBy: Person(),
    entries: z.array(z.object({ nama: z.string(), nik: z.string() })),
  }),
);
export type PublicationRecord = z.infer<typeof PublicationRecordSchema>;

/** A transition lost its condition: the complaint changed since it was read. */
export class ComplaintChangedError extends ConflictError {
  constructor() {
    super('Pengaduan baru saja diubah orang lain. Muat ulang lalu coba lagi.', {
      reason: 'CONCURRENT_CHANGE',
    });
  }
}

/** One page of a queue, newest first. */
export interface ComplaintPage {
  readonly items: ComplaintRecord[];
  readonly nextCursor?: string;
}

export interface ComplaintFilter {
  /** One handling unit's queue (a kabupaten/kota or `PROVINSI`); undefined: every queue. */
  readonly unit?: string;
  readonly status?: ComplaintStatus;
  readonly category?: ComplaintCategory;
  readonly desaCode?: string;
  /** Only the overdue: open, unanswered, due before this day (today, WIB). */
  readonly overdueOn?: string;
  readonly cursor?: string;
  readonly limit: number;
}

/** An area's counters, as the dashboards read them. */
export interface ComplaintAreaCount {
  /** A kabupaten/kota, kecamatan or desa code. */
  readonly code: string;
  readonly open: number;
  readonly unanswered: number;
}

/** The most items one list request reads before it answers with what it found (and a cursor). */
const READ_BUDGET = 1_000;
const CURSOR_SK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#PGD-[A-Z2-7]{12}$/;

/**
 * Complaints in the single table (`keys.ts`, complaints section). Every change is one transaction:
 * the complaint (conditional on the status and version read), its audit record, and the counters of
 * its handling unit per kabupaten, kecamatan and desa (open; unanswered) and per due day and desa
 * (unanswered), so the dashboards count open and overdue complaints with a Query of a few items,
 * never a scan.
 */
export class ComplaintsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /** Stores a new complaint with its code, its family link, its first audit record and its counters. */
  async create(record: ComplaintRecord, audit: AuditRecord): Promise<void> {
    const item = ComplaintRecordSchema.parse(record);
    const sk = complaintSortKey(item.lodgedAt, item.complaintId);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...complaintKey(item.complaintId),
            gsi1pk: complaintsByUnit(item.unit),
            gsi1sk: sk,
            gsi2pk: COMPLAINTS_ALL_INDEX_KEY,
            gsi2sk: sk,
            ...item,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...complaintCodeKey(item.code), code: item.code, complaintId: item.complaintId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      auditItem(this.tableName, audit),
      ...(item.familyId
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: familyComplaintsPartition(item.familyId), sk, complaintId: item.complaintId },
              },
            },
          ]
        : []),
      ...this.counterItems(undefined, item),
    ];
    await transactWrite(items, { client: this.client });
  }

  /**
   * Replaces `before` by `after` (version + 1), conditional on the stored complaint still having
   * `before`'s status and version; appends `audit` and moves the counters. {@link ComplaintChangedError}
   * when another change came first.
   */
  async change(before: ComplaintRecord, after: ComplaintRecord, audit: AuditRecord): Promise<void> {
    const item = ComplaintRecordSchema.parse(after);
    const sk = complaintSortKey(item.lodgedAt, item.complaintId);
    try {
      await transactWrite(
        [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...complaintKey(item.complaintId),
                gsi1pk: complaintsByUnit(item.unit),
                gsi1sk: sk,
                gsi2pk: COMPLAINTS_ALL_INDEX_KEY,
                gsi2sk: sk,
                ...item,
              },
              ConditionExpression: '#status = :from AND version = :version',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':from': before.status, ':version': before.version },
            },
          },
          auditItem(this.tableName, audit),
          ...this.counterItems(before, item),
        ],
        { client: this.client },
      );
    } catch (error) {
      if (error instanceof WriteConflict) throw new ComplaintChangedError();
      throw error;
    }
  }

  async createPublication(record: PublicationRecord): Promise<void> {
    const item = PublicationRecordSchema.parse(record);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...publicationKey(item.publicationId), ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getPublication(publicationId: string): Promise<PublicationRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: publicationKey(publicationId) }),
    );
    return out.Item ? PublicationRecordSchema.parse(out.Item) : undefined;
  }

  async get(complaintId: string): Promise<ComplaintRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: complaintKey(complaintId), ConsistentRead: true }),
    );
    return out.Item ? ComplaintRecordSchema.parse(out.Item) : undefined;
  }

  /** The complaint a public code names (two point reads: the code, then the complaint). */
  async getByCode(code: string): Promise<ComplaintRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: complaintCodeKey(code) }),
    );
    if (!out.Item) return undefined;
    return this.get(String(out.Item.complaintId));
  }

  /** Several complaints by id, in any order (BatchGet, 100 a call, eventually consistent as before). */
  async getMany(ids: readonly string[]): Promise<ComplaintRecord[]> {
    const keys = [...new Set(ids)].map((id) => complaintKey(id));
    const items = await batchGetItems(this.client, this.tableName, keys, { consistent: false });
    return items.map((item) => ComplaintRecordSchema.parse(item));
  }

  /** The ids of a family's complaints, newest first (at most `limit`). */
  async idsOfFamily(familyId: string, limit = 50): Promise<string[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': familyComplaintsPartition(familyId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => String(item.complaintId));
  }

  /** The audit records of a complaint, in order. */
  async history(complaintId: string): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': auditPartition(complaintEntityId(complaintId)) },
    })) {
      records.push(AuditRecordSchema.parse(item));
    }
    return records;
  }

  /**
   * One page of a queue (or of every queue), newest first, filtered on the server: at most `limit`
   * complaints, reading at most {@link READ_BUDGET} items; a page may be short and still have a
   * cursor when the filter is narrow.
   */
  async list(filter: ComplaintFilter): Promise<ComplaintPage> {
    const byUnit = filter.unit !== undefined;
    const [pkName, skName, index] = byUnit ? ['gsi1pk', 'gsi1sk', 'gsi1'] : ['gsi2pk', 'gsi2sk', 'gsi2'];
    const pk = byUnit ? complaintsByUnit(filter.unit ?? '') : COMPLAINTS_ALL_INDEX_KEY;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': pk };
    const conditions: string[] = [];
    if (filter.status) {
      names['#status'] = 'status';
      values[':status'] = filter.status;
      conditions.push('#status = :status');
    }
    if (filter.category) {
      values[':category'] = filter.category;
      conditions.push('category = :category');
    }
    if (filter.desaCode) {
      values[':desa'] = filter.desaCode;
      conditions.push('desaCode = :desa');
    }
    if (filter.overdueOn) {
      names['#status'] = 'status';
      values[':today'] = filter.overdueOn;
      values[':baru'] = 'BARU';
      values[':ditangani'] = 'DITANGANI';
      conditions.push(
        'dueDate < :today AND attribute_not_exists(answeredAt) AND #status IN (:baru, :ditangani)',
      );
    }
    let start: Record<string, unknown> | undefined = filter.cursor
      ? startKey(decodeSortKeyCursor(filter.cursor, CURSOR_SK), pkName, skName, pk)
      : undefined;
    const items: ComplaintRecord[] = [];
    let read = 0;
    do {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: `${pkName} = :pk`,
        ExpressionAttributeValues: values,
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
        ScanIndexForward: false,
        // Never more matches than the page still needs: the cursor is where this read stopped.
        Limit: Math.min(filter.limit - items.length, READ_BUDGET - read),
        ExclusiveStartKey: start,
      };
      const out = await this.client.send(new QueryCommand(input));
      read += out.ScannedCount ?? 0;
      for (const item of out.Items ?? []) items.push(ComplaintRecordSchema.parse(item));
      start = out.LastEvaluatedKey;
    } while (start && items.length < filter.limit && read < READ_BUDGET);
    return start ? { items, nextCursor: encodeSortKeyCursor(String(start[skName])) } : { items };
  }

  /**
   * Counts one more request of a source in a window; false when the source is at its limit (the
   * request is then refused and not counted). One conditional update on one small item with a TTL.
   */
  async hitRate(sourceHash: string, windowStart: string, limit: number, expiresAt: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: complaintRateKey(sourceHash, windowStart),
          UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Open and unanswered complaints of a handling unit per kabupaten, kecamatan and desa (one Query). */
  async areaCounts(unit: string): Promise<ComplaintAreaCount[]> {
    const counts: ComplaintAreaCount[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :area)',
      ExpressionAttributeValues: { ':pk': complaintStatsPartition(unit), ':area': 'AREA#' },
    })) {
      counts.push({
        code: String(item.sk).slice('AREA#'.length),
        open: Number(item.open ?? 0),
        unanswered: Number(item.unanswered ?? 0),
      });
    }
    return counts;
  }

  /**
   * Overdue complaints of a handling unit per desa on `today` (WIB): the unanswered counted under
   * due days before today (one Query over the due-day items, never a scan).
   */
  async overdueByDesa(unit: string, today: string): Promise<Map<string, number>> {
    const overdue = new Map<string, number>();
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      // `DUE#<today>` sorts before every `DUE#<today>#<desa>`: the range holds earlier days only.
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': complaintStatsPartition(unit),
        ':from': 'DUE#',
        ':to': `DUE#${today}`,
      },
    })) {
      const n = Number(item.n ?? 0);
      if (n <= 0) continue;
      const desa = String(item.sk).split('#')[2] ?? '';
      overdue.set(desa, (overdue.get(desa) ?? 0) + n);
    }
    return overdue;
  }

  /** The counter updates a change from `before` (undefined: a new complaint) to `after` makes. */
  private counterItems(before: ComplaintRecord | undefined, after: ComplaintRecord): TransactItem[] {
    const open = (record: ComplaintRecord | undefined) => (record && isOpen(record.status) ? 1 : 0);
    const unanswered = (record: ComplaintRecord | undefined) =>
      record && isOpen(record.status) && record.answeredAt === undefined ? 1 : 0;
    const dOpen = open(after) - open(before);
    const dUnanswered = unanswered(after) - unanswered(before);
    if (dOpen === 0 && dUnanswered === 0) return [];
    const pk = complaintStatsPartition(after.unit);
    const areas = [after.region, kecamatanOfDesa(after.desaCode), after.desaCode];
    const items: TransactItem[] = areas.map((code) => ({
      Update: {
        TableName: this.tableName,
        Key: { pk, sk: complaintAreaSortKey(code) },
        UpdateExpression: 'ADD #open :open, unanswered :unanswered',
        ExpressionAttributeNames: { '#open': 'open' },
        ExpressionAttributeValues: { ':open': dOpen, ':unanswered': dUnanswered },
      },
    }));
    if (dUnanswered !== 0) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: { pk, sk: complaintDueSortKey(after.dueDate, after.desaCode) },
          UpdateExpression: 'ADD n :n',
          ExpressionAttributeValues: { ':n': dUnanswered },
        },
      });
    }
    return items;
  }
}

/** A complaint's audit chain: `AUDIT#COMPLAINT-<complaintId>`. */
export const complaintEntityId = (complaintId: string) => `COMPLAINT-${complaintId}`;

/** The index key to go on from: the partition is always the query's own, never the cursor's. */
function startKey(sk: string, pkName: string, skName: string, pk: string): Record<string, unknown> {
  const complaintId = sk.split('#')[1] ?? '';
  return { [pkName]: pk, [skName]: sk, ...complaintKey(complaintId) };
}
