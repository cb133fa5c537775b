import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { LOCAL_REGION } from './emulators.ts';
import { createLambdaContext, invokeWithTimeout, type LambdaHandler } from './lambda.ts';

/**
 * SQS → Lambda for the local stack: what Lambda's SQS event source mapping does, against fauxqs.
 *
 * Pollers (one per allowed concurrent invocation, Lambda's `MaximumConcurrency`) long-poll the
 * queue, hand each batch to the handler as a real `SQSEvent`, and settle it as Lambda does with
 * `FunctionResponseTypes: ['ReportBatchItemFailures']`:
 * - the records not listed in `batchItemFailures` are deleted; the listed ones are left alone, so
 *   they reappear after the visibility timeout and, once received more than the redrive policy's
 *   `maxReceiveCount` times, the queue moves them to its dead-letter queue (fauxqs does that
 *   itself, on receive, as SQS does);
 * - a handler that throws or times out fails the whole batch: nothing is deleted;
 * - a malformed response (an entry without a non-empty `itemIdentifier`, or naming a message that
 *   is not in the batch) fails the whole batch too; `null`, `undefined`, `{}` or an empty or null
 *   `batchItemFailures` mean the whole batch succeeded.
 *
 * One local difference, on purpose: the visibility timeout is short (a few seconds) so that
 * retries come quickly in tests and the demo. In AWS, a visibility timeout of at least six times
 * the function's timeout keeps a message hidden while its invocation runs; here the source extends
 * the visibility of a batch while its handler runs (ChangeMessageVisibility), which has the same
 * effect. Once the invocation ends, a failed record becomes visible again within one timeout.
 */

export interface SqsEventSourceOptions {
  /** The queue to consume (a URL as fauxqs returns it). */
  readonly queueUrl: string;
  readonly handler: LambdaHandler<SQSEvent>;
  readonly sqs: SQSClient;
  /** The function's name, for its context and log lines. */
  readonly functionName: string;
  /** Records per invocation at most (Lambda's `BatchSize`; one ReceiveMessage here, so 1–10). @default 10 */
  readonly batchSize?: number;
  /** Invocations running at once (Lambda's `MaximumConcurrency`). @default 2 */
  readonly concurrency?: number;
  /**
   * Visibility timeout messages are received with, in seconds. Short locally, so a failed record
   * comes back quickly. @default the queue's own `VisibilityTimeout`
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Long-poll wait of each ReceiveMessage. Delivery is immediate either way; a short wait keeps
   * `stop()` prompt, since it lets the receives in progress finish. @default 1
   */
  readonly waitTimeSeconds?: number;
  /** The function's timeout. @default 900000 (15 minutes, Lambda's maximum) */
  readonly timeoutMs?: number;
  /** @default 1024 */
  readonly memoryLimitInMB?: number;
  /** Where failures are reported. @default console.error */
  readonly log?: (line: string) => void;
  /** Told how each batch ended, after its successes were deleted (tests, the demo). */
  readonly onBatch?: (outcome: BatchOutcome) => void;
}

/** How one batch ended, for `onBatch` observers and the log. */
export interface BatchOutcome {
  readonly messageIds: readonly string[];
  /** Records deleted (succeeded). */
  readonly deleted: readonly string[];
  /** Records left on the queue (failed); all of them when the invocation failed. */
  readonly failed: readonly string[];
  /** Set when the whole batch failed: the error thrown, or why the response was refused. */
  readonly error?: string;
}

const MAX_RECEIVE_BATCH = 10;

export class SqsEventSource {
  readonly #options: SqsEventSourceOptions;
  readonly #batchSize: number;
  readonly #concurrency: number;
  readonly #waitTimeSeconds: number;
  readonly #timeoutMs: number;
  readonly #log: (line: string) => void;

  #state: 'new' | 'started' | 'stopping' | 'stopped' = 'new';
  #queueArn = '';
  #region = LOCAL_REGION;
  #visibilityTimeoutSeconds = 30;
  #pollers: Promise<void>[] = [];
  /** Batches between "received" and "settled" (handler run, successes deleted). */
  #running = 0;
  #invocations = 0;
  #lastPollError: string | undefined;
  readonly #wakeStopped: (() => void)[] = [];

  constructor(options: SqsEventSourceOptions) {
    const batchSize = options.batchSize ?? 10;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_RECEIVE_BATCH) {
      throw new Error(`batchSize must be a whole number from 1 to ${MAX_RECEIVE_BATCH}, got ${batchSize}`);
    }
    const concurrency = options.concurrency ?? 2;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error(`concurrency must be a whole number of at least 1, got ${concurrency}`);
    }
    const visibility = options.visibilityTimeoutSeconds;
    if (
      visibility !== undefined &&
      (!Number.isInteger(visibility) || visibility < 1 || visibility > 43_200)
    ) {
      // 0 would hand a record to a second poller while the first still runs it.
      throw new Error(`visibilityTimeoutSeconds must be a whole number from 1 to 43200, got ${visibility}`);
    }
    this.#options = options;
    this.#batchSize = batchSize;
    this.#concurrency = concurrency;
    this.#waitTimeSeconds = Math.min(20, Math.max(0, options.waitTimeSeconds ?? 1));
    this.#timeoutMs = options.timeoutMs ?? 15 * 60 * 1000;
    this.#log = options.log ?? ((line) => console.error(line));
  }

  /** Reads the queue's ARN and visibility timeout, then starts polling. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('SqsEventSource can be started once');
    const { Attributes: attributes = {} } = await this.#options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.#options.queueUrl,
        AttributeNames: ['QueueArn', 'VisibilityTimeout'],
      }),
    );
    if (attributes.QueueArn === undefined) throw new Error(`no ARN for queue ${this.#options.queueUrl}`);
    this.#queueArn = attributes.QueueArn;
    this.#region = attributes.QueueArn.split(':')[3] || LOCAL_REGION;
    this.#visibilityTimeoutSeconds =
      this.#options.visibilityTimeoutSeconds ?? Number(attributes.VisibilityTimeout ?? 30);
    this.#state = 'started';
    this.#pollers = Array.from({ length: this.#concurrency }, () => this.#poll());
  }

  /** The queue's ARN (`eventSourceARN` of every record), known once started. */
  get queueArn(): string {
    return this.#queueArn;
  }

  /** The visibility timeout records are received with, in seconds, known once started. */
  get visibilityTimeoutSeconds(): number {
    return this.#visibilityTimeoutSeconds;
  }

  /** Batches being handled right now. */
  get running(): number {
    return this.#running;
  }

  /** Handler invocations so far. */
  get invocations(): number {
    return this.#invocations;
  }

  /**
   * Resolves once the queue has no message visible, delayed or in flight and no batch is being
   * handled, i.e. every message sent before has been handled and deleted or, after its retries,
   * moved to the dead-letter queue. A failed record waits out its visibility timeout, so this takes
   * up to `maxReceiveCount` timeouts for a poison message. Rejects after `timeoutMs`, if given. Once
   * stopped, resolves when no batch is running.
   */
  async whenIdle(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    const deadline =
      options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
    for (;;) {
      if (await this.isIdle()) return;
      if (Date.now() > deadline) {
        throw new Error(`${this.#options.functionName}: queue not idle after ${options.timeoutMs} ms`);
      }
      await sleep(25);
    }
  }

  /** One look: true if nothing is running and the queue holds no message (see `whenIdle`). */
  async isIdle(): Promise<boolean> {
    if (this.#running > 0) return false;
    if (this.#state !== 'started') return true;
    const { Attributes: counts = {} } = await this.#options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.#options.queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const total =
      Number(counts.ApproximateNumberOfMessages ?? 0) +
      Number(counts.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(counts.ApproximateNumberOfMessagesDelayed ?? 0);
    // A receive may have taken a message between the two reads; it is counted as running by now.
    return total === 0 && this.#running === 0;
  }

  /**
   * Stops polling: receives in progress finish (within `waitTimeSeconds`), and what they bring is
   * made visible again at once, unhandled. Waits up to `graceMs` for running invocations to finish
   * and settle; a handler cannot be cancelled. Safe to call more than once.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.#state === 'new') {
      this.#state = 'stopped';
      return;
    }
    if (this.#state !== 'started') {
      await Promise.allSettled(this.#pollers);
      return;
    }
    this.#state = 'stopping';
    for (const wake of this.#wakeStopped.splice(0)) wake();
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(this.#pollers),
      new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, graceMs);
        graceTimer.unref();
      }),
    ]);
    clearTimeout(graceTimer);
    this.#state = 'stopped';
  }

  // --- polling ------------------------------------------------------------------------------------

  async #poll(): Promise<void> {
    while (this.#state === 'started') {
      let messages: Message[];
      try {
        const received = await this.#options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.#options.queueUrl,
            MaxNumberOfMessages: this.#batchSize,
            VisibilityTimeout: this.#visibilityTimeoutSeconds,
            WaitTimeSeconds: this.#waitTimeSeconds,
            // `All` (the current name of the old AttributeNames): ApproximateReceiveCount and the
            // other system attributes Lambda puts into each record.
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = received.Messages ?? [];
        this.#lastPollError = undefined;
      } catch (error) {
        if (this.#state !== 'started') return;
        // Log a failing receive once, not every half second.
        const message = describe(error);
        if (message !== this.#lastPollError) {
          this.#log(`sqs-events: receiving from ${this.#options.queueUrl} failed: ${message}`);
        }
        this.#lastPollError = message;
        await this.#pause(500);
        continue;
      }
      if (messages.length === 0) continue;
      this.#running += 1;
      try {
        if (this.#state !== 'started') {
          // Stopped while this receive waited: hand the messages back untouched.
          await this.#changeVisibility(messages, 0);
          return;
        }
        await this.#handleBatch(messages);
      } finally {
        this.#running -= 1;
      }
    }
  }

  /** Sleeps, but wakes at once when the source stops. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        const index = this.#wakeStopped.indexOf(done);
        if (index >= 0) this.#wakeStopped.splice(index, 1);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.#wakeStopped.push(done);
    });
  }

  // --- invoking -----------------------------------------------------------------------------------

  async #handleBatch(messages: readonly Message[]): Promise<BatchOutcome> {
    const records = messages.map((message) => this.#record(message));
    const messageIds = records.map((record) => record.messageId);
    const context = createLambdaContext({
      functionName: this.#options.functionName,
      timeoutMs: this.#timeoutMs,
      ...(this.#options.memoryLimitInMB !== undefined
        ? { memoryLimitInMB: this.#options.memoryLimitInMB }
        : {}),
    });
    this.#invocations += 1;

    const stopHeartbeat = this.#keepInvisible(messages);
    let failedIds: ReadonlySet<string>;
    let error: string | undefined;
    try {
      const result = await invokeWithTimeout(
        this.#options.handler,
        { Records: records },
        context,
        this.#timeoutMs,
      );
      const reported = failuresFrom(result, new Set(messageIds));
      if (typeof reported === 'string') {
        error = reported;
        failedIds = new Set(messageIds);
      } else {
        failedIds = reported;
      }
    } catch (thrown) {
      error = describe(thrown);
      failedIds = new Set(messageIds);
    } finally {
      await stopHeartbeat();
    }

    const succeeded = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
    const deleted = await this.#delete(succeeded);
    const outcome: BatchOutcome = {
      messageIds,
      deleted,
      failed: messageIds.filter((id) => failedIds.has(id)),
      ...(error !== undefined ? { error } : {}),
    };
    if (error !== undefined) {
      this.#log(
        `sqs-events: ${this.#options.functionName} failed a batch of ${messageIds.length} (left for retry): ${error}`,
      );
    } else if (outcome.failed.length > 0) {
      this.#log(
        `sqs-events: ${this.#options.functionName} reported ${outcome.failed.length} of ${messageIds.length} record(s) failed (left for retry)`,
      );
    }
    this.#options.onBatch?.(outcome);
    return outcome;
  }

  /**
   * The record Lambda builds from a received message: system attributes as strings, message
   * attributes in Lambda's lower-camel form (binary values base64), the queue's ARN and region.
   */
  #record(message: Message): SQSRecord {
    const system = message.Attributes ?? {};
    const attributes: SQSRecordAttributes = {
      ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
      SentTimestamp: system.SentTimestamp ?? String(Date.now()),
      SenderId: system.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    };
    for (const name of [
      'AWSTraceHeader',
      'SequenceNumber',
      'MessageGroupId',
      'MessageDeduplicationId',
      'DeadLetterQueueSourceArn',
    ] as const) {
      const value = system[name];
      if (value !== undefined) attributes[name] = value;
    }
    const messageAttributes: Record<string, SQSMessageAttribute> = {};
    for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
      messageAttributes[name] = lambdaMessageAttribute(value);
    }
    return {
      messageId: required(message.MessageId, 'MessageId'),
      receiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
      body: message.Body ?? '',
      attributes,
      messageAttributes,
      md5OfBody: message.MD5OfBody ?? '',
      ...(message.MD5OfMessageAttributes !== undefined
        ? { md5OfMessageAttributes: message.MD5OfMessageAttributes }
        : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.#queueArn,
      awsRegion: this.#region,
    };
  }

  /**
   * Keeps a batch invisible while its handler runs by extending the visibility every half timeout
   * (see the class comment). Returns the function that stops it, which resolves once no extension
   * is in flight any more (so that none races the deletion of the batch).
   */
  #keepInvisible(messages: readonly Message[]): () => Promise<void> {
    const everyMs = Math.max(250, (this.#visibilityTimeoutSeconds * 1000) / 2);
    let beat: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      beat = this.#changeVisibility(messages, this.#visibilityTimeoutSeconds);
    }, everyMs);
    timer.unref();
    return () => {
      clearInterval(timer);
      return beat;
    };
  }

  async #changeVisibility(messages: readonly Message[], seconds: number): Promise<void> {
    try {
      await this.#options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.#options.queueUrl,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: seconds,
          })),
        }),
      );
    } catch (error) {
      this.#log(`sqs-events: could not change the visibility of a batch: ${describe(error)}`);
    }
  }

  /** Deletes the succeeded records; resolves with the ids that were deleted. */
  async #delete(messages: readonly Message[]): Promise<string[]> {
    if (messages.length === 0) return [];
    try {
      const result = await this.#options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.#options.queueUrl,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
      for (const failure of result.Failed ?? []) {
        const id = messages[Number(failure.Id)]?.MessageId ?? '?';
        this.#log(
          `sqs-events: could not delete ${id}: ${failure.Code ?? ''} ${failure.Message ?? ''}`.trim(),
        );
      }
      const failedEntries = new Set((result.Failed ?? []).map((failure) => failure.Id));
      return messages
        .filter((_, index) => !failedEntries.has(String(index)))
        .map((message) => message.MessageId ?? '');
    } catch (error) {
      // As in Lambda: a record that could not be deleted comes back and is handled again.
      this.#log(`sqs-events: could not delete ${messages.length} handled record(s): ${describe(error)}`);
      return [];
    }
  }
}

/**
 * The records a handler reported as failed, or why its response fails the whole batch. Follows
 * Lambda's rules for `ReportBatchItemFailures` (see the class comment).
 */
export function failuresFrom(result: unknown, batch: ReadonlySet<string>): ReadonlySet<string> | string {
  if (result === null || typeof result !== 'object') return new Set();
  const list: unknown = Reflect.get(result, 'batchItemFailures');
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return 'batchItemFailures is not a list';
  const failed = new Set<string>();
  for (const entry of list) {
    const id: unknown =
      entry !== null && typeof entry === 'object' ? Reflect.get(entry, 'itemIdentifier') : undefined;
    if (typeof id !== 'string' || id === '') {
      return `invalid batchItemFailures entry ${JSON.stringify(entry)}: itemIdentifier must be a message id`;
    }
    if (!batch.has(id)) return `batchItemFailures names ${id}, which is not in the batch`;
    failed.add(id);
  }
  return failed;
}

function lambdaMessageAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: base64(value.BinaryValue) } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map(base64),
    dataType: value.DataType ?? 'String',
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fauxqs returned a message without ${what}`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
