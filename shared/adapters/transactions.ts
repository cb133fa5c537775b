import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mapInOrder } from '../in-order.ts';
import { jitteredBackoff } from './backoff.ts';
import { documentClient } from './clients/dynamodb.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A transaction was cancelled: an item's condition failed, or another transaction touched an item. */
export class WriteConflict extends Error {
  constructor(
    /** Index of the item whose condition failed (0 when DynamoDB names none: a conflicting transaction). */
    readonly failedItem: number,
    /** Every item whose condition failed (none when only another transaction got in the way). */
    readonly failedItems: readonly number[] = [],
  ) {
    super(`transaction cancelled at item ${failedItem}`);
    this.name = 'WriteConflict';
  }
}

/** One TransactWriteItems call: all its items are written or none; a lost condition is a {@link WriteConflict}. */
export async function transactWrite(
  items: TransactItem[],
  options: { readonly client?: DynamoDBDocumentClient; readonly clientRequestToken?: string } = {},
): Promise<void> {
  try {
    await (options.client ?? documentClient).send(
      new TransactWriteCommand({
        TransactItems: items,
        ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const failed = (error.CancellationReasons ?? []).flatMap((reason, index) =>
        reason.Code === 'ConditionalCheckFailed' ? [index] : [],
      );
      throw new WriteConflict(failed[0] ?? 0, failed);
    }
    throw error;
  }
}

/** A transaction holds at most 100 actions. */
export const MAX_TRANSACT_ACTIONS = 100;
/** Tries of one transaction that another transaction got in the way of (no condition lost). */
const CONFLICT_TRIES = 8;

/**
 * Independent conditional writes (one item each, no two on the same item) committed up to 100 a
 * TransactWriteItems call, `inFlight` calls at once, instead of one call each. A cancelled call
 * names the items whose condition failed (CancellationReasons): those are written nowhere and
 * returned; the call is sent again without them, so every other item is written. A call cancelled
 * by another transaction alone (no condition failed) is retried after a jittered wait.
 * Returns the indexes (into `items`) whose condition failed.
 */
export async function transactEach(
  items: readonly TransactItem[],
  options: { readonly client?: DynamoDBDocumentClient; readonly inFlight?: number } = {},
): Promise<Set<number>> {
  const lost = new Set<number>();
  const batches: number[][] = [];
  for (let start = 0; start < items.length; start += MAX_TRANSACT_ACTIONS) {
    batches.push(
      Array.from({ length: Math.min(MAX_TRANSACT_ACTIONS, items.length - start) }, (_, i) => start + i),
    );
  }
  const commit = async (batch: number[]) => {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        await transactWrite(
          pending.map((index) => items[index] as TransactItem),
          options.client ? { client: options.client } : {},
        );
        return;
      } catch (error) {
        if (!(error instanceof WriteConflict)) throw error;
        if (error.failedItems.length > 0) {
          const failed = new Set(error.failedItems.map((position) => pending[position]));
          for (const index of failed) if (index !== undefined) lost.add(index);
          pending = pending.filter((index) => !failed.has(index));
          continue;
        }
        if (attempt >= CONFLICT_TRIES) throw new Error('transaction kept conflicting with other writes');
        await jitteredBackoff(attempt, 25, 1_000);
      }
    }
  };
  await mapInOrder(batches, options.inFlight ?? 1, commit);
  return lost;
}
