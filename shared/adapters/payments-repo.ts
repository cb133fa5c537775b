import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { PAYMENT_STATUSES, type PaymentStatus, type StatusChange } from '../domain/bank-report.ts';
import type { ObservedPayment } from '../domain/reconciliation.ts';
import { lazySchema } from '../lazy-schema.ts';
import {
  type BankReportRecord,
  BankReportRecordSchema,
  type BankReportRedelivery,
  type BankReportStatus,
  MAX_LISTED_REDELIVERIES,
  PaymentLineSchema,
} from '../model.ts';
import { jitteredBackoff } from './backoff.ts';
import { documentClient } from './clients/dynamodb.ts';
import { FileClaims, type LeasedRecordType } from './file-claims.ts';
import { bankReportKey, PAYMENT_SHARDS, paymentKey, paymentPartition } from './keys.ts';
import { type BankReportKey, parseBankReportKey } from './storage-keys.ts';

/** One payment line of a bank disbursement report, as recorded under its bank reference. */
export interface PaymentLine extends ObservedPayment {
  readonly status: PaymentStatus;
  /** S3 key of the report the line was first recorded from. */
  readonly reportKey: string;
  /** Its row in that report, as Excel shows it. */
  readonly sourceRow: number;
  /**
   * The stored `history` attribute: each earlier status, oldest first, with the report line that
   * moved it on ({@link PaymentsRepository.moveStatus}). `history` (for the ledger) is its statuses.
   */
  readonly moves?: readonly StatusChange[] | undefined;
}

const StatusChangeSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    status: z.enum(PAYMENT_STATUSES),
    reportKey: z.string(),
    sourceRow: z.number().int(),
    transactionDate: z.string().optional(),
    at: z.string().optional(),
  }),
);

/**
 * A stored payment item: the line as first recorded (`PaymentLineSchema`), its status now (RETUR
 * too) and, once moved, its `history` (a list of {@link StatusChange} maps, oldest first).
 */
const StoredPaymentSchema = /* @__PURE__ */ lazySchema(() =>
  PaymentLineSchema.extend({
    status: z.enum(PAYMENT_STATUSES),
    history: z.array(StatusChangeSchema).optional(),
  }).transform(({ history, ...line }): PaymentLine => {
    if (!history || history.length === 0) return line;
    return { ...line, history: history.map((change) => change.status), moves: history };
  }),
);

/** What {@link PaymentsRepository.moveStatus} did: moved it, or found it no longer in the status expected. */
export type MoveResult =
  | { readonly kind: 'moved' }
  /** The payment as recorded now (someone moved it first); undefined if it cannot be read. */
  | { readonly kind: 'changed'; readonly current: PaymentLine | undefined };

export interface PaymentsRepositoryOptions {
  /** Items per Query page when streaming (DynamoDB's 1 MB page otherwise); for tests. */
  readonly pageSize?: number;
  /** Attempts for a transaction or batch that DynamoDB hands back before giving up. */
  readonly maxAttempts?: number;
}

/** What {@link PaymentsRepository.putNew} did: lines written, and references someone recorded first. */
export interface PutNewResult {
  readonly written: readonly PaymentLine[];
  /** Reference → the payment already recorded under it (it stays as it is). */
  readonly taken: ReadonlyMap<string, PaymentLine>;
}

interface ShardPage {
  readonly shard: number;
  readonly out: QueryCommandOutput;
}

/** DynamoDB's limits: TransactWriteItems takes 100 actions, BatchGetItem 100 keys. */
export const TRANSACTION_LIMIT = 100;
const BATCH_GET_LIMIT = 100;

/** Cancellation reasons worth another try (someone else's transaction on the same item, throttling). */
const RETRYABLE_REASONS: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * Payment lines of the bank's disbursement reports, one item per bank reference, spread over
 * {@link PAYMENT_SHARDS} partitions (`keys.ts`). A reference is written only if no item has it yet
 * (a condition in the write itself), so however reports overlap or race, each reference is
 * recorded once and the first recording stays; afterwards only its status may move, forward
 * ({@link PaymentsRepository.moveStatus}), the earlier status kept in its `history`.
 */
export class PaymentsRepository {
  private readonly pageSize: number | undefined;
  private readonly maxAttempts: number;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
    options: PaymentsRepositoryOptions = {},
  ) {
    this.pageSize = options.pageSize;
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  /** The recorded payments among `refs` (strongly consistent), by reference. */
  async getMany(refs: readonly string[]): Promise<Map<string, PaymentLine>> {
    const found = new Map<string, PaymentLine>();
    for (let start = 0; start < refs.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] = [...new Set(refs.slice(start, start + BATCH_GET_LIMIT))].map(
        paymentKey,
      );
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > 1) await jitteredBackoff(attempt, 50, 5_000);
        const out = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const line = StoredPaymentSchema.parse(item);
          found.set(line.bankRef, line);
        }
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (keys.length > 0 && attempt >= this.maxAttempts) {
          throw new Error(`BatchGetItem left ${keys.length} keys unprocessed after ${attempt} attempts`);
        }
      }
    }
    return found;
  }

  /**
   * Records each line whose reference no item has yet, up to {@link TRANSACTION_LIMIT} per
   * TransactWriteItems, every put conditional on `attribute_not_exists(pk)`. When a reference was
   * recorded meanwhile (another import, or this one's earlier attempt), the transaction is cancelled:
   * those references are read back and returned as `taken`, and the others are sent again. The
   * references in `lines` must be distinct.
   */
  async putNew(lines: readonly PaymentLine[], storedAt: string): Promise<PutNewResult> {
    const written: PaymentLine[] = [];
    const taken = new Map<string, PaymentLine>();
    for (let start = 0; start < lines.length; start += TRANSACTION_LIMIT) {
      let remaining = lines.slice(start, start + TRANSACTION_LIMIT);
      for (let attempt = 1; remaining.length > 0; attempt++) {
        const outcome = await this.tryPut(remaining, storedAt);
        if (outcome.kind === 'written') {
          written.push(...remaining);
          break;
        }
        if (outcome.failed.length > 0) {
          const recorded = await this.getMany(outcome.failed.map((line) => line.bankRef));
          for (const line of outcome.failed) {
            const existing = recorded.get(line.bankRef);
            // Payments are never deleted, so a failed condition means an item exists; if it cannot be
            // read (not possible today), the line is simply tried again.
            if (existing) taken.set(line.bankRef, existing);
          }
        }
        remaining = remaining.filter((line) => !taken.has(line.bankRef));
        if (remaining.length === 0) break;
        if (attempt >= this.maxAttempts) {
          throw new Error(`TransactWriteItems still cancelled after ${attempt} attempts`);
        }
        if (outcome.retryable) await jitteredBackoff(attempt, 50, 5_000);
      }
    }
    return { written, taken };
  }

  /**
   * Moves a recorded payment from status `from` to `line`'s status (BERHASIL → RETUR or GAGAL →
   * BERHASIL, see `statusMove`), appending `from` with the moving line's report, row and date to
   * its `history`. One conditional UpdateItem, on the status being still `from`: the allowed moves
   * only go forward, so a move already made (an earlier attempt, or another report racing) fails the
   * condition and never adds to the history twice; the payment as it is now is then read back.
   */
  async moveStatus(line: PaymentLine, from: PaymentStatus, at: string): Promise<MoveResult> {
    const change: StatusChange = {
      status: from,
      reportKey: line.reportKey,
      sourceRow: line.sourceRow,
      transactionDate: line.transactionDate,
      at,
    };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: paymentKey(line.bankRef),
          UpdateExpression:
            'SET #status = :to, #history = list_append(if_not_exists(#history, :none), :change)',
          ConditionExpression: 'attribute_exists(pk) AND #status = :from',
          ExpressionAttributeNames: { '#status': 'status', '#history': 'history' },
          ExpressionAttributeValues: { ':to': line.status, ':from': from, ':none': [], ':change': [change] },
        }),
      );
      return { kind: 'moved' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = (await this.getMany([line.bankRef])).get(line.bankRef);
      return { kind: 'changed', current };
    }
  }

  private async tryPut(
    lines: readonly PaymentLine[],
    storedAt: string,
  ): Promise<{ kind: 'written' } | { kind: 'cancelled'; failed: PaymentLine[]; retryable: boolean }> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: lines.map((line) => ({
            Put: {
              TableName: this.tableName,
              Item: { ...paymentKey(line.bankRef), ...definedOnly(line), storedAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        }),
      );
      return { kind: 'written' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed: PaymentLine[] = [];
      let retryable = false;
      for (const [index, line] of lines.entries()) {
        const code = reasons[index]?.Code ?? 'None';
        if (code === 'ConditionalCheckFailed') failed.push(line);
        else if (RETRYABLE_REASONS.has(code)) retryable = true;
        else if (code !== 'None') throw error;
      }
      // Cancelled with no reason given for any item: treat as a conflict and try again.
      if (failed.length === 0) retryable = true;
      return { kind: 'cancelled', failed, retryable };
    }
  }

  /**
   * Every stored payment line, all {@link PAYMENT_SHARDS} shards, in a deterministic order (shard,
   * then bank reference). Pages are strongly consistent Queries (never a Scan); the next page is
   * fetched while the caller works on this one, so memory stays at about two pages.
   */
  async *stream(): AsyncGenerator<PaymentLine> {
    let next: Promise<ShardPage> | undefined = this.shardPage(0);
    while (next) {
      const { shard, out }: ShardPage = await next;
      const after: Record<string, unknown> | undefined = out.LastEvaluatedKey;
      next = after
        ? this.shardPage(shard, after)
        : shard + 1 < PAYMENT_SHARDS
          ? this.shardPage(shard + 1)
          : undefined;
      for (const item of out.Items ?? []) yield StoredPaymentSchema.parse(item);
    }
  }

  /** One page of one shard, already on its way; marked handled at once (see `RecipientsRepository`). */
  private shardPage(shard: number, after?: Record<string, unknown>): Promise<ShardPage> {
    const page = this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': paymentPartition(shard) },
          ConsistentRead: true,
          ...(this.pageSize ? { Limit: this.pageSize } : {}),
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      )
      .then((out) => ({ shard, out }));
    page.catch(() => {});
    return page;
  }
}

/**
 * Bank report records as leased import records, by the report's S3 key (which is the record's own
 * `key`). COMPLETED is final (a different object put there later is noted in `redeliveries`, not
 * read: see `importBankReport`); REJECTED and
 * FAILED are read again only for a different object at the key.
 */
export const BANK_REPORT_RECORDS: LeasedRecordType<BankReportRecord, BankReportKey> = {
  name: 'bank report',
  noun: 'laporan bank',
  parseKey: parseBankReportKey,
  idOf: (key) => key.key,
  schema: BankReportRecordSchema,
  key: bankReportKey,
  s3KeyOf: (record) => record.key,
  progressField: 'linesProcessed',
  openStatuses: [],
  reopenOnNewObject: ['REJECTED', 'FAILED'] satisfies BankReportStatus[],
};

/** Bank report records: one per report S3 key, moved through its states by conditional writes. */
export class BankReportsRepository {
  /** Claim, heartbeat and fenced finish of the import (`shared/import/leased-import.ts`). */
  readonly claims: FileClaims<BankReportRecord, BankReportKey>;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {
    this.claims = new FileClaims(BANK_REPORT_RECORDS, tableName, client);
  }

  /** The record of the report at this S3 key, if its import ever started. */
  async getByKey(key: string): Promise<BankReportRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: bankReportKey(key), ConsistentRead: true }),
    );
    return out.Item ? BankReportRecordSchema.parse(out.Item) : undefined;
  }

  /**
   * Notes an event for a closed report that brought nothing new (a redelivery, the same bytes put
   * again): counted in `duplicateEvents`.
   */
  async noteDuplicateEvent(key: string, at: Date): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: bankReportKey(key),
          UpdateExpression:
            'SET duplicateEvents = if_not_exists(duplicateEvents, :zero) + :one, lastDuplicateEventAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :processing',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':at': at.toISOString(),
            ':processing': 'PROCESSING',
          },
        }),
      );
    } catch (error) {
      // Closed and then re-claimed meanwhile: nothing to note.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Notes on a COMPLETED report's record that another version (other bytes) arrived at its key:
   * appended to `redeliveries` (the first {@link MAX_LISTED_REDELIVERIES}; every one counted in
   * `redeliveryCount`) with `lastRedeliveryAt`. Once per version: an ETag already listed is a
   * repeated event for it, counted in `duplicateEvents` instead (`known`). The append is
   * conditional on the list as read, so two versions noted at once are both kept. `gone` when the
   * record is missing or no longer COMPLETED (nothing written).
   */
  async noteRedelivery(key: string, redelivery: BankReportRedelivery): Promise<'noted' | 'known' | 'gone'> {
    for (let round = 1; ; round++) {
      const record = await this.getByKey(key);
      if (record?.status !== 'COMPLETED') return 'gone';
      if (record.redeliveries.some((listed) => listed.etag === redelivery.etag)) {
        await this.noteDuplicateEvent(key, new Date(redelivery.seenAt));
        return 'known';
      }
      const listed = record.redeliveries.length;
      const append = listed < MAX_LISTED_REDELIVERIES;
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: bankReportKey(key),
            UpdateExpression:
              'SET redeliveryCount = if_not_exists(redeliveryCount, :zero) + :one, lastRedeliveryAt = :at' +
              (append ? ', redeliveries = list_append(if_not_exists(redeliveries, :none), :entry)' : ''),
            ConditionExpression:
              'attribute_exists(pk) AND #status = :completed AND ' +
              (listed === 0 ? 'attribute_not_exists(redeliveries)' : 'size(redeliveries) = :listed') +
              ' AND (attribute_not_exists(redeliveryCount) OR redeliveryCount = :count)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':zero': 0,
              ':one': 1,
              ':at': redelivery.seenAt,
              ':completed': 'COMPLETED',
              ':count': record.redeliveryCount,
              ...(listed === 0 ? {} : { ':listed': listed }),
              ...(append ? { ':none': [], ':entry': [definedFields(redelivery)] } : {}),
            },
          }),
        );
        return 'noted';
      } catch (error) {
        // Another version noted meanwhile: read again and decide again.
        if (!(error instanceof ConditionalCheckFailedException) || round >= 5) throw error;
      }
    }
  }
}

/** The fields of `value` that have a value (DynamoDB takes no undefined). */
function definedFields(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

/** The attributes of `line` that have a value (optional fields absent rather than null). */
function definedOnly(line: PaymentLine): Record<string, unknown> {
  return Object.fromEntries(Object.entries(line).filter(([, value]) => value !== undefined));
}
