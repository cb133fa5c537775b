import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { jitteredBackoff } from './backoff.ts';
import { documentClient } from './clients/dynamodb.ts';

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

export interface BatchWriterOptions {
  /** BatchWriteItem calls in flight at once. */
  readonly concurrency?: number;
  /** Attempts for items DynamoDB hands back as unprocessed before giving up. */
  readonly maxAttempts?: number;
  readonly client?: DynamoDBDocumentClient;
}

const BATCH_SIZE = 25; // BatchWriteItem's limit

/**
 * Streams puts and deletes into BatchWriteItem calls of 25, with a bounded number in flight
 * (callers `await` each write, which is the back-pressure) and exponential backoff with full jitter
 * for `UnprocessedItems`. Writes are idempotent puts/deletes, so a retried batch is harmless.
 */
export class BatchWriter {
  private readonly client: DynamoDBDocumentClient;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private pending: WriteRequest[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  /** Number of BatchWriteItem calls made, retries included (for benchmarks and tests). */
  calls = 0;

  constructor(
    private readonly tableName: string,
    options: BatchWriterOptions = {},
  ) {
    this.client = options.client ?? documentClient;
    this.concurrency = options.concurrency ?? 8;
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  async put(item: Record<string, unknown>): Promise<void> {
    await this.add({ PutRequest: { Item: item } });
  }

  async delete(key: Record<string, unknown>): Promise<void> {
    await this.add({ DeleteRequest: { Key: key } });
  }

  /** Sends what is buffered and waits for every call in flight; throws the first failure. */
  async flush(): Promise<void> {
    if (this.pending.length > 0) this.launch(this.pending.splice(0));
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private async add(request: WriteRequest): Promise<void> {
    this.throwIfFailed();
    this.pending.push(request);
    if (this.pending.length < BATCH_SIZE) return;
    this.launch(this.pending.splice(0));
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private launch(requests: WriteRequest[]): void {
    const call = this.send(requests).catch((error: unknown) => {
      this.failure ??= error;
    });
    const tracked = call.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async send(requests: WriteRequest[]): Promise<void> {
    let remaining = requests;
    for (let attempt = 1; ; attempt++) {
      this.calls++;
      const out = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: remaining } }),
      );
      remaining = out.UnprocessedItems?.[this.tableName] ?? [];
      if (remaining.length === 0) return;
      if (attempt >= this.maxAttempts) {
        throw new Error(
          `BatchWriteItem left ${remaining.length} items unprocessed after ${attempt} attempts`,
        );
      }
      await jitteredBackoff(attempt, 50, 5_000);
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
