import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import type { FileIssue } from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';

/** An update usable alone or as one action of a transaction. */
export type FencedUpdate = NonNullable<
  NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update']
>;

/** The fields every leased import record has (upload, bank report, and the family imports to come). */
export interface LeasedRecord {
  readonly status: string;
  /** Attempts ever made on the record: the fencing token, never reset. */
  readonly attempts: number;
  readonly leaseUntil?: number | undefined;
  /** ETag of the object the record was last claimed for, without quotes. */
  readonly etag?: string | undefined;
}

/** How one kind of import record is stored and claimed, and which S3 objects it is the record of. */
export interface LeasedRecordType<R extends LeasedRecord, K = unknown> {
  /** For logs and errors: `upload`, `bank report`. */
  readonly name: string;
  /** What the file is called in the user's reasons: `berkas`, `laporan bank`. */
  readonly noun: string;
  /** The S3 key of an object of this kind taken apart; undefined for any other key. */
  readonly parseKey: (s3Key: string) => K | undefined;
  /** The record's id for an object's key. */
  readonly idOf: (key: K) => string;
  /** Every item read back is parsed with it. */
  readonly schema: z.ZodType<R, unknown>;
  /** The record's DynamoDB key, from its id. */
  readonly key: (id: string) => Record<string, string>;
  /** The S3 key a record is bound to: a claim for any other key is refused and the record left as it is. */
  readonly s3KeyOf: (record: R) => string | undefined;
  /** The attribute progress is counted in (`rowsProcessed`, `linesProcessed`); heartbeats write it. */
  readonly progressField: string;
  /** Statuses from which any object is taken (an upload `AWAITING_FILE` its file). */
  readonly openStatuses: readonly string[];
  /** Statuses in which a different object (another ETag) at the key starts a new import. */
  readonly reopenOnNewObject: readonly string[];
}

export interface ClaimRequest {
  /** The record's id (upload id, report S3 key). */
  readonly id: string;
  readonly s3Key: string;
  /** The object's ETag, quoted or not: compared bare. */
  readonly etag: string;
  readonly now: Date;
  readonly leaseMs: number;
  /** Attempts at one object before it ends FAILED. */
  readonly maxAttempts: number;
  /** What the record says about this object and attempt (besides the lease fields). */
  readonly set: Readonly<Record<string, unknown>>;
  /** Written only when the record has no value yet (`createdAt`, an index sort key). */
  readonly setIfAbsent?: Readonly<Record<string, unknown>>;
  /** What an earlier attempt's result left on the record, removed by the claim. */
  readonly remove?: readonly string[];
  /** Written as the record's reason when the claim finds the last allowed attempt dead (a timeout). */
  readonly exhausted: (tries: number) => FileIssue;
}

/**
 * What a claim found. `claimed`: this attempt owns the record under a lease. `busy`: another attempt
 * holds a live lease. `closed`: the record is done with this object (a repeated event). `exhausted`:
 * the last allowed attempt at this object died without closing it; this claim closed it FAILED.
 * `key-mismatch`: the record names another S3 key; it was not touched.
 */
export type FileClaim<R> =
  | { readonly kind: 'claimed'; readonly attempt: number; readonly tries: number; readonly record: R }
  | { readonly kind: 'busy' | 'closed' | 'exhausted' | 'key-mismatch'; readonly record: R };

/** The lease fields as the engine reads them, whatever the record type (`tries` may be missing on old items). */
const LeaseStateSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    status: z.string(),
    attempts: z.number().int().default(0),
    tries: z.number().int().optional(),
    leaseUntil: z.number().optional(),
    etag: z.string().optional(),
  }),
);
type LeaseState = z.infer<typeof LeaseStateSchema>;

/** What a claim should do with the record it read: a pure decision (see {@link planClaim}). */
export type ClaimPlan =
  | {
      readonly kind: 'take';
      readonly attempt: number;
      readonly tries: number;
      /** Taken over from an attempt whose lease ran out: the write is conditional on it still being out. */
      readonly lapsed?: true;
    }
  | { readonly kind: 'exhaust'; readonly tries: number }
  | { readonly kind: 'busy' | 'closed' | 'key-mismatch' };

const bare = (etag: string | undefined) => etag?.replaceAll('"', '');

/**
 * Decides a claim from the record as read. A new record, an open one, a different object where the
 * type allows it, or a dead attempt (lease run out) is taken; a dead attempt that was the last one
 * allowed at this object closes the record instead (`exhaust`); a live lease is `busy`; anything else
 * is `closed`, including FAILED: a failed import is never re-driven.
 */
export function planClaim<R extends LeasedRecord>(
  type: Pick<LeasedRecordType<R>, 's3KeyOf' | 'openStatuses' | 'reopenOnNewObject'>,
  found: { readonly record: R; readonly lease: LeaseState } | undefined,
  request: Pick<ClaimRequest, 's3Key' | 'etag' | 'now' | 'maxAttempts'>,
): ClaimPlan {
  if (!found) return { kind: 'take', attempt: 1, tries: 1 };
  const { record, lease } = found;
  if (type.s3KeyOf(record) !== request.s3Key) return { kind: 'key-mismatch' };
  const attempt = lease.attempts + 1;
  const sameObject = bare(lease.etag) === bare(request.etag);
  if (!sameObject && type.reopenOnNewObject.includes(lease.status))
    return { kind: 'take', attempt, tries: 1 };
  if (type.openStatuses.includes(lease.status)) return { kind: 'take', attempt, tries: 1 };
  if (lease.status !== 'PROCESSING') return { kind: 'closed' };
  if ((lease.leaseUntil ?? 0) >= request.now.getTime()) return { kind: 'busy' };
  const tries = lease.tries ?? lease.attempts;
  if (tries >= request.maxAttempts) return { kind: 'exhaust', tries };
  return { kind: 'take', attempt, tries: tries + 1, lapsed: true };
}

/**
 * Leased import records of one type, moved through their states by conditional writes: a claim
 * with a lease and an attempt number, heartbeats that renew the lease, and a closing write fenced on
 * the attempt, so an attempt that lost its lease can never overwrite a newer one's result.
 */
export class FileClaims<R extends LeasedRecord, K = unknown> {
  constructor(
    readonly type: LeasedRecordType<R, K>,
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async get(id: string): Promise<R | undefined> {
    return (await this.read(id))?.record;
  }

  /**
   * Takes the record for an attempt ({@link planClaim} decides), with a write conditional on the
   * state it read (status and attempt number, and a lapsed lease when taking over): two claims
   * racing cannot both win; the loser reads again and decides again.
   */
  async claim(request: ClaimRequest): Promise<FileClaim<R>> {
    for (let round = 1; ; round++) {
      const found = await this.read(request.id);
      const plan = planClaim(this.type, found, request);
      try {
        if (plan.kind === 'take') {
          const record = await this.take(request, plan, found?.lease);
          return { kind: 'claimed', attempt: plan.attempt, tries: plan.tries, record };
        }
        if (plan.kind === 'exhaust' && found) {
          return { kind: 'exhausted', record: await this.exhaust(request, plan.tries, found.lease) };
        }
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || round >= 5) throw error;
        continue;
      }
      if (!found) throw new Error(`${this.type.name} ${request.id}: no record to decide on`);
      return { kind: plan.kind as 'busy' | 'closed' | 'key-mismatch', record: found.record };
    }
  }

  /** Records progress and renews the lease; fails (ConditionalCheckFailed) if another attempt has taken over. */
  async heartbeat(id: string, attempt: number, progress: number, leaseUntil: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.type.key(id),
        UpdateExpression: 'SET #progress = :progress, leaseUntil = :lease',
        ConditionExpression: '#st = :processing AND attempts = :attempt',
        ExpressionAttributeNames: { '#st': 'status', '#progress': this.type.progressField },
        ExpressionAttributeValues: {
          ':progress': progress,
          ':lease': leaseUntil,
          ':processing': 'PROCESSING',
          ':attempt': attempt,
        },
      }),
    );
  }

  /** The update that closes an attempt, fenced on its number. Usable alone or inside a transaction. */
  finishUpdate(id: string, attempt: number, fields: Readonly<Record<string, unknown>>): FencedUpdate {
    const { names, values, sets } = assignments(fields);
    return {
      TableName: this.tableName,
      Key: this.type.key(id),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntil`,
      ConditionExpression: '#st = :processing AND attempts = :attempt',
      ExpressionAttributeNames: { ...names, '#st': 'status' },
      ExpressionAttributeValues: { ...values, ':processing': 'PROCESSING', ':attempt': attempt },
    };
  }

  async finish(id: string, attempt: number, fields: Readonly<Record<string, unknown>>): Promise<void> {
    await this.client.send(new UpdateCommand(this.finishUpdate(id, attempt, fields)));
  }

  private async read(id: string): Promise<{ record: R; lease: LeaseState } | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.type.key(id), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    return { record: this.type.schema.parse(out.Item), lease: LeaseStateSchema.parse(out.Item) };
  }

  private async take(
    request: ClaimRequest,
    plan: { attempt: number; tries: number; lapsed?: true },
    seen: LeaseState | undefined,
  ): Promise<R> {
    const { names, values, sets } = assignments({
      ...request.set,
      status: 'PROCESSING',
      attempts: plan.attempt,
      tries: plan.tries,
      leaseUntil: request.now.getTime() + request.leaseMs,
      etag: bare(request.etag),
      [this.type.progressField]: 0,
    });
    for (const [field, value] of Object.entries(request.setIfAbsent ?? {})) {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = if_not_exists(#${field}, :${field})`);
    }
    const removes = (request.remove ?? []).map((field) => {
      names[`#${field}`] = field;
      return `#${field}`;
    });
    const out = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.type.key(request.id),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ...this.unchangedSince(seen, names, values, plan.lapsed ? request.now : undefined),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return this.type.schema.parse(out.Attributes);
  }

  /** Closes FAILED a record whose last allowed attempt died (its lease ran out). */
  private async exhaust(request: ClaimRequest, tries: number, seen: LeaseState): Promise<R> {
    const { names, values, sets } = assignments({
      status: 'FAILED',
      reasons: [request.exhausted(tries)],
      finishedAt: request.now.toISOString(),
    });
    const out = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.type.key(request.id),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntil`,
        ...this.unchangedSince(seen, names, values, request.now),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return this.type.schema.parse(out.Attributes);
  }

  /**
   * The condition that the record is as read: no item, or the same status and attempt number, and,
   * when `lapsedBy` is given, a lease that ran out before it (a heartbeat since the read keeps it).
   */
  private unchangedSince(
    seen: LeaseState | undefined,
    names: Record<string, string>,
    values: Record<string, unknown>,
    lapsedBy: Date | undefined,
  ): { ConditionExpression: string } {
    if (!seen) return { ConditionExpression: 'attribute_not_exists(pk)' };
    names['#seenStatus'] = 'status';
    values[':seenStatus'] = seen.status;
    values[':seenAttempts'] = seen.attempts;
    const attempts =
      seen.attempts === 0
        ? '(attribute_not_exists(attempts) OR attempts = :seenAttempts)'
        : 'attempts = :seenAttempts';
    let condition = `#seenStatus = :seenStatus AND ${attempts}`;
    if (lapsedBy) {
      values[':now'] = lapsedBy.getTime();
      condition += ' AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)';
    }
    return { ConditionExpression: condition };
  }
}

/** `SET #f = :f` for each field with a value (an undefined field is left as it is). */
function assignments(fields: Readonly<Record<string, unknown>>): {
  names: Record<string, string>;
  values: Record<string, unknown>;
  sets: string[];
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  return { names, values, sets };
}
