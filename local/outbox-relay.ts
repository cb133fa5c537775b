import { setTimeout as sleep } from 'node:timers/promises';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { jitteredBackoff } from '#shared/adapters/backoff.ts';
import type { OutboxRepository } from '#shared/adapters/outbox.ts';
import { OUTBOX_ID_ATTRIBUTE } from '#shared/adapters/queue.ts';
import type { RelayEvent } from '../functions/relay/handler.ts';
import { createLambdaContext, invokeWithTimeout, type LambdaHandler } from './lambda.ts';

export interface LocalOutboxRelayOptions {
  /** The relay function's handler (`RELAY_FUNCTION`), the one deployed. */
  readonly handler: LambdaHandler<RelayEvent>;
  /** Reads what is still PENDING, for `whenIdle`. */
  readonly outbox: Pick<OutboxRepository, 'pending'>;
  readonly functionName: string;
  /** Pause between sweeps while all is well. @default 100 */
  readonly intervalMs?: number;
  /** Longest pause after failed sends (the queue is down); doubles from `intervalMs`. @default 2 000 */
  readonly maxBackoffMs?: number;
  readonly timeoutMs?: number;
}

/**
 * The outbox relay on this machine. In AWS a DynamoDB stream triggers the relay the moment an outbox
 * item is written, and a schedule sweeps what the stream could not send. DynamoDB Local has
 * streams too, but a stream on the table costs about a fifth of its write throughput (measured:
 * 5.6k vs 7k items/s), and the imports write hundreds of thousands of rows; so locally the same
 * handler runs its sweep (`olderThanSeconds: 0`) every `intervalMs`, which reads the PENDING items
 * through the index (one Query, usually empty). A failed send backs off, up to `maxBackoffMs`.
 */
export class LocalOutboxRelay {
  readonly #options: LocalOutboxRelayOptions;
  #state: 'new' | 'started' | 'stopped' = 'new';
  #loop: Promise<void> | undefined;
  #running = false;
  #failures = 0;
  #sweeps = 0;
  #wake: (() => void) | undefined;

  constructor(options: LocalOutboxRelayOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#state !== 'new') throw new Error('LocalOutboxRelay can be started once');
    this.#state = 'started';
    this.#loop = this.#run();
  }

  /** Sweeps so far (each one invocation of the relay). */
  get sweeps(): number {
    return this.#sweeps;
  }

  /** True when no sweep is running and nothing is PENDING. */
  async isIdle(): Promise<boolean> {
    if (this.#running) return false;
    if (this.#state !== 'started') return true;
    return (await this.#options.outbox.pending('9999', 1)).length === 0;
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const interval = this.#options.intervalMs ?? 100;
    while (this.#state === 'started') {
      this.#running = true;
      let failed = false;
      try {
        const result = await invokeWithTimeout(
          this.#options.handler,
          { type: 'outbox.sweep', olderThanSeconds: 0 },
          createLambdaContext({
            functionName: this.#options.functionName,
            timeoutMs: this.#options.timeoutMs ?? 60_000,
          }),
          this.#options.timeoutMs ?? 60_000,
        );
        failed = typeof result === 'object' && result !== null && Number(Reflect.get(result, 'failed')) > 0;
      } catch (error) {
        failed = true;
        console.error(`${this.#options.functionName}: sweep failed:`, error);
      } finally {
        this.#running = false;
        this.#sweeps++;
      }
      this.#failures = failed ? this.#failures + 1 : 0;
      const pause =
        this.#failures === 0
          ? sleep(interval)
          : jitteredBackoff(this.#failures, interval, this.#options.maxBackoffMs ?? 2_000);
      await Promise.race([pause, new Promise<void>((resolve) => (this.#wake = resolve))]);
    }
  }
}

/**
 * Takes back what is still on the work queues when the local stack stops: the emulated SQS keeps
 * nothing across a restart, so each message still waiting (or handed out and not deleted) is
 * received here and its outbox item set PENDING again, to be sent again after the next start.
 * Resolves with how many were taken back. Call it once the consumers have stopped.
 */
export async function takeBackUndelivered(
  sqs: SQSClient,
  queueUrls: readonly string[],
  outbox: Pick<OutboxRepository, 'markPendingAgain'>,
  waitForInFlightMs: number,
): Promise<number> {
  let taken = 0;
  const deadline = Date.now() + waitForInFlightMs;
  for (const queueUrl of queueUrls) {
    for (;;) {
      const { Messages: messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
          MessageAttributeNames: [OUTBOX_ID_ATTRIBUTE],
        }),
      );
      for (const message of messages) {
        const outboxId = message.MessageAttributes?.[OUTBOX_ID_ATTRIBUTE]?.StringValue;
        if (outboxId !== undefined && (await outbox.markPendingAgain(outboxId))) taken++;
      }
      if (messages.length > 0) continue;
      // A message a consumer failed is invisible for its visibility timeout: wait for it, briefly.
      const { Attributes: counts = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      if (Number(counts.ApproximateNumberOfMessagesNotVisible ?? 0) === 0 || Date.now() > deadline) break;
      await sleep(100);
    }
  }
  return taken;
}
