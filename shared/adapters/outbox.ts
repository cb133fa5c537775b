import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { HANDOFF_QUEUES, type Handoff } from '../messages.ts';
import { documentClient } from './clients/dynamodb.ts';
import { OUTBOX_PENDING_INDEX_KEY, outboxKey } from './keys.ts';
import type { TransactItem } from './transactions.ts';

/**
 * The transactional outbox. A state change that hands work to another function (a submission to
 * the checks, an approval to the decree worker, a requested run to reconciliation, a conflict to
 * the other region's checks) writes its message here **in the same transaction** as the change:
 * either both exist or neither does. The relay (`functions/relay/`) sends each PENDING item to its
 * queue and marks it SENT; a SENT item expires (TTL) after {@link SENT_RETENTION_DAYS}.
 *
 * Delivery is at least once: a relay that sends and then fails to mark SENT, or a stream record and
 * a sweep that meet on one item, send it twice. Every consumer is idempotent (checks by list,
 * decree by proposal, reconciliation by run id), so a second copy costs a run, never a second act.
 */
export const OutboxItemSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({
    outboxId: z.string().min(1),
    queue: z.enum(HANDOFF_QUEUES),
    /** The message, as validated by the writer; the relay validates it again before sending. */
    message: z.record(z.string(), z.unknown()),
    /** PENDING until sent; SENT once on its queue; INVALID when its message no longer fits its queue's schema. */
    status: z.enum(['PENDING', 'SENT', 'INVALID']),
    createdAt: z.iso.datetime(),
    /** Failed sends so far, with the last error (an SQS outage leaves the item PENDING, never lost). */
    failedSends: z.number().int().nonnegative().default(0),
    lastError: z.string().optional(),
    lastFailedAt: z.string().optional(),
    sentAt: z.string().optional(),
    messageId: z.string().optional(),
  }),
);
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

/** How long a SENT item is kept for an engineer to look at, before DynamoDB's TTL deletes it. */
export const SENT_RETENTION_DAYS = 7;

/**
 * The outbox item of one hand-off, as a transaction item: part of the state change's own
 * `TransactWriteItems`. The id is new (an item is never overwritten).
 */
export function handoffItem(tableName: string, handoff: Handoff, now: string): TransactItem {
  const outboxId = randomUUID();
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...outboxKey(outboxId),
        gsi1pk: OUTBOX_PENDING_INDEX_KEY,
        gsi1sk: `${now}#${outboxId}`,
        outboxId,
        queue: handoff.queue,
        message: handoff.message,
        status: 'PENDING',
        createdAt: now,
        failedSends: 0,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The relay's side of the outbox: what is still to send, and the marks it leaves. */
export class OutboxRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  /**
   * PENDING items created before `createdBefore` (ISO), oldest first, at most `limit`. The index is
   * eventually consistent: an item sent a moment ago may still be listed (and is then sent again,
   * which the consumers tolerate); an item is never missing from it once it has been written.
   */
  async pending(createdBefore: string, limit: number): Promise<OutboxItem[]> {
    const items: OutboxItem[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': OUTBOX_PENDING_INDEX_KEY, ':before': createdBefore },
          Limit: limit - items.length,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      for (const item of out.Items ?? []) items.push(OutboxItemSchema.parse(item));
      after = out.LastEvaluatedKey;
    } while (after && items.length < limit);
    return items;
  }

  /** PENDING → SENT (out of the index, expiring later); false when it was not PENDING any more. */
  async markSent(outboxId: string, messageId: string | undefined, now: Date): Promise<boolean> {
    const expiresAt = Math.floor(now.getTime() / 1000) + SENT_RETENTION_DAYS * 86_400;
    return this.update(outboxId, {
      UpdateExpression:
        'SET #status = :sent, sentAt = :now, expiresAt = :expires' +
        (messageId ? ', messageId = :id' : '') +
        ' REMOVE gsi1pk, gsi1sk',
      ExpressionAttributeValues: {
        ':sent': 'SENT',
        ':now': now.toISOString(),
        ':expires': expiresAt,
        ...(messageId ? { ':id': messageId } : {}),
      },
    });
  }

  /** A failed send: counted with its reason; the item stays PENDING for the next attempt. */
  async markSendFailed(outboxId: string, reason: string, now: Date): Promise<boolean> {
    return this.update(outboxId, {
      UpdateExpression: 'SET lastError = :reason, lastFailedAt = :now ADD failedSends :one',
      ExpressionAttributeValues: { ':reason': reason.slice(0, 500), ':now': now.toISOString(), ':one': 1 },
    });
  }

  /** A message that fits no schema is never sent: INVALID, out of the index, kept for an engineer. */
  async markInvalid(outboxId: string, reason: string, now: Date): Promise<boolean> {
    return this.update(outboxId, {
      UpdateExpression:
        'SET #status = :invalid, lastError = :reason, lastFailedAt = :now REMOVE gsi1pk, gsi1sk',
      ExpressionAttributeValues: {
        ':invalid': 'INVALID',
        ':reason': reason.slice(0, 500),
        ':now': now.toISOString(),
      },
    });
  }

  /**
   * SENT → PENDING again, back in the index: for a message known not to have been consumed (the
   * local stack takes back what is still on its queues when it stops, since its SQS keeps nothing).
   */
  async markPendingAgain(outboxId: string): Promise<boolean> {
    return this.update(
      outboxId,
      {
        UpdateExpression:
          'SET #status = :pending, gsi1pk = :index, gsi1sk = :sort REMOVE expiresAt, sentAt, messageId',
        ExpressionAttributeValues: {
          ':pending': 'PENDING',
          ':index': OUTBOX_PENDING_INDEX_KEY,
          // Sorted as of now: the sweep sees it like any new item.
          ':sort': `${new Date().toISOString()}#${outboxId}`,
        },
      },
      'SENT',
    );
  }

  /** One conditional change of an item in status `from` (PENDING unless said); false if it was not. */
  private async update(
    outboxId: string,
    change: { UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> },
    from: OutboxItem['status'] = 'PENDING',
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: outboxKey(outboxId),
          ...change,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...change.ExpressionAttributeValues, ':from': from },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
