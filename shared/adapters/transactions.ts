import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from './clients/dynamodb.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A transaction was cancelled: an item's condition failed, or another transaction touched an item. */
export class WriteConflict extends Error {
  constructor(
    /** Index of the item whose condition failed (0 when DynamoDB names none: a conflicting transaction). */
    readonly failedItem: number,
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
      const failed = (error.CancellationReasons ?? []).findIndex(
        (reason) => reason.Code === 'ConditionalCheckFailed',
      );
      throw new WriteConflict(Math.max(failed, 0));
    }
    throw error;
  }
}
