import { randomBytes, randomUUID } from 'node:crypto';
import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { MessageSpyReader, SpyMessage } from 'fauxqs';
import { encodeS3EventKey } from '#shared/queue/s3-worker.ts';
import { LOCAL_REGION } from './emulators.ts';
import { createLambdaContext, functionArn, invokeWithTimeout, type LambdaHandler } from './lambda.ts';

/**
 * S3 → Lambda for the local stack. fauxqs accepts bucket notification settings but never sends an
 * event, so this class learns of uploads itself and invokes the handler the way Lambda's
 * asynchronous invocation would: retries, then an on-failure destination record on a queue.
 *
 * Detection: a periodic ListObjectsV2 of the prefix is the reliable source (nothing is missed, even
 * if the spy's fixed-size buffer overflows); the fauxqs spy only wakes a listing early, so an
 * upload is noticed within milliseconds instead of a poll interval. Each (key, ETag) is announced
 * exactly once; a key that disappears from the listing is forgotten, so a later upload to it is
 * announced again. (S3 itself also announces an identical re-upload, which would change nothing
 * since the import is idempotent; here it is not announced.)
 */

export interface S3EventSourceOptions {
  readonly bucket: string;
  /** Only keys under this prefix trigger, like a notification's prefix filter (`PREFIXES.uploads`). */
  readonly prefix: string;
  readonly handler: LambdaHandler<S3Event>;
  /** Client for listing the bucket. */
  readonly s3: S3Client;
  /** Client for the on-failure destination. */
  readonly sqs: SQSClient;
  /** The on-failure destination (`QUEUES.importFailures`). */
  readonly failureQueueUrl: string;
  /** fauxqs's spy, to notice uploads promptly; without it, uploads are noticed by polling only. */
  readonly spy?: MessageSpyReader;
  /** @default 'khbs-import-upload' */
  readonly functionName?: string;
  /** How often the prefix is listed. @default 1000 */
  readonly pollIntervalMs?: number;
  /** Lambda's `MaximumRetryAttempts` for asynchronous invocation (0–2). @default 2 */
  readonly maxRetries?: number;
  /**
   * Delay before the first retry, doubled before each further one. Lambda waits about one minute,
   * then two; locally that only slows the feedback loop. @default 200
   */
  readonly retryDelayMs?: number;
  /** Invocations running at once (Lambda's reserved concurrency, in effect). @default 4 */
  readonly concurrency?: number;
  /** The function's timeout. @default 900000 (15 minutes, Lambda's maximum) */
  readonly timeoutMs?: number;
  /** Where failures and dropped work are reported. @default console.error */
  readonly log?: (line: string) => void;
}

interface Job {
  readonly event: S3Event;
  readonly requestId: string;
  attempts: number;
}

/** The on-failure destination record of an asynchronous invocation, as Lambda writes it. */
export interface DestinationFailureRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetriesExhausted' | 'EventAgeExceeded';
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: S3Event;
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError: 'Unhandled';
  };
  readonly responsePayload: {
    readonly errorType: string;
    readonly errorMessage: string;
    readonly trace: readonly string[];
  };
}

export class S3EventSource {
  readonly #options: S3EventSourceOptions;
  readonly #functionName: string;
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #log: (line: string) => void;

  /** ETag last announced for each key under the prefix. */
  readonly #seen = new Map<string, string>();
  readonly #queue: Job[] = [];
  #running = 0;
  /** Jobs waiting out a retry delay: neither queued nor running, but not done either. */
  #retrying = 0;
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #idleWaiters: (() => void)[] = [];
  readonly #runningAttempts = new Set<Promise<void>>();

  #currentScan: Promise<number> = Promise.resolve(0);
  #queuedScan: Promise<number> | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #state: 'new' | 'started' | 'stopped' = 'new';
  #lastPollError: string | undefined;
  #sequence = 0n;

  constructor(options: S3EventSourceOptions) {
    this.#options = options;
    this.#functionName = options.functionName ?? 'khbs-import-upload';
    this.#maxRetries = options.maxRetries ?? 2;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#timeoutMs = options.timeoutMs ?? 15 * 60 * 1000;
    this.#log = options.log ?? ((line) => console.error(line));
  }

  /**
   * Takes note of the objects already under the prefix (they do not trigger: notifications only
   * cover uploads made after they are configured), then starts watching.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('S3EventSource can be started once');
    await this.#scanOnce({ baseline: true });
    this.#state = 'started';
    const pollIntervalMs = this.#options.pollIntervalMs ?? 1000;
    this.#pollTimer = setInterval(() => this.#backgroundScan(), pollIntervalMs);
    // The timer alone should not keep a process alive; whoever started the stack does.
    this.#pollTimer.unref();
    if (this.#options.spy !== undefined) void this.#watchSpy(this.#options.spy);
  }

  /**
   * Lists the prefix now and hands every new (key, ETag) to the handler. Resolves with how many
   * were new, once the listing is done (not the invocations). A call made while a listing runs gets
   * a fresh listing that starts after it.
   */
  scan(): Promise<number> {
    if (this.#queuedScan !== undefined) return this.#queuedScan;
    const next = this.#currentScan
      .catch(() => 0)
      .then(() => {
        this.#queuedScan = undefined;
        return this.#scanOnce({ baseline: false });
      });
    this.#queuedScan = next;
    this.#currentScan = next;
    return next;
  }

  /**
   * Resolves once every object present under the prefix when it was called has been handed to the
   * handler and every invocation (retries and failure records included) has finished, so that a
   * test or the demo can upload and then wait. Rejects if the bucket cannot be listed.
   */
  async whenIdle(): Promise<void> {
    for (;;) {
      const found = this.#state === 'started' ? await this.scan() : 0;
      await this.#jobsDone();
      if (found === 0) return;
    }
  }

  /** Invocations queued, running or waiting to retry. */
  get pending(): number {
    return this.#queue.length + this.#running + this.#retrying;
  }

  /**
   * Stops noticing uploads, drops work not yet started (queued events, pending retries), and waits
   * up to `graceMs` for running invocations to finish; a handler cannot be cancelled.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    clearInterval(this.#pollTimer);
    const dropped = this.#queue.length + this.#retryTimers.size;
    this.#queue.length = 0;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    this.#retrying = 0;
    if (dropped > 0) this.#log(`s3-events: stopped with ${dropped} invocation(s) not run`);
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#runningAttempts]),
      new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, graceMs);
        graceTimer.unref();
      }),
    ]);
    clearTimeout(graceTimer);
    this.#settleIdle();
  }

  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  // --- noticing uploads ---------------------------------------------------------------------------

  #backgroundScan(): void {
    this.scan().then(
      () => {
        this.#lastPollError = undefined;
      },
      (error: unknown) => {
        // Log a failing listing once, not every second.
        const message = error instanceof Error ? error.message : String(error);
        if (message !== this.#lastPollError)
          this.#log(`s3-events: listing ${this.#options.bucket} failed: ${message}`);
        this.#lastPollError = message;
      },
    );
  }

  async #watchSpy(spy: MessageSpyReader): Promise<void> {
    const { bucket, prefix } = this.#options;
    const since = Date.now();
    // The spy answers from its buffer first, so remember which events already woke us.
    const woken = new WeakSet<SpyMessage>();
    while (this.#state === 'started') {
      try {
        const message = await spy.waitForMessage(
          (m) =>
            m.service === 's3' &&
            m.bucket === bucket &&
            m.key.startsWith(prefix) &&
            m.timestamp >= since &&
            !woken.has(m),
          'uploaded',
        );
        woken.add(message);
      } catch {
        // The spy was cleared (fauxqs reset or stopped); the poll still covers us. Wait a beat so a
        // stopped emulator cannot make this loop spin.
        await new Promise((resolve) => setTimeout(resolve, 100).unref());
        continue;
      }
      if (this.#state !== 'started') return;
      this.#backgroundScan();
    }
  }

  async #scanOnce({ baseline }: { baseline: boolean }): Promise<number> {
    if (this.#state === 'stopped') return 0;
    const { bucket, prefix, s3 } = this.#options;
    const listed = new Set<string>();
    const fresh: S3EventRecord[] = [];
    let continuationToken: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || object.ETag === undefined) continue;
        listed.add(object.Key);
        if (this.#seen.get(object.Key) === object.ETag) continue;
        this.#seen.set(object.Key, object.ETag);
        if (!baseline) {
          fresh.push(
            this.#record(object.Key, object.ETag, object.Size ?? 0, object.LastModified ?? new Date()),
          );
        }
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    for (const key of this.#seen.keys()) {
      if (!listed.has(key)) this.#seen.delete(key);
    }
    // stop() may have run while we listed.
    if (this.#isStopped()) return 0;
    // S3 sends one record per event.
    for (const record of fresh)
      this.#enqueue({ event: { Records: [record] }, requestId: randomUUID(), attempts: 0 });
    return fresh.length;
  }

  #record(key: string, quotedETag: string, size: number, lastModified: Date): S3EventRecord {
    const eTag = quotedETag.replaceAll('"', '');
    const { bucket } = this.#options;
    // Only multipart uploads have an ETag of the form "<md5>-<parts>".
    const eventName = /-\d+$/.test(eTag) ? 'ObjectCreated:CompleteMultipartUpload' : 'ObjectCreated:Put';
    return {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: LOCAL_REGION,
      eventTime: lastModified.toISOString(),
      eventName,
      userIdentity: { principalId: 'AWS:KHBSLOCAL' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: {
        'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
        'x-amz-id-2': randomBytes(48).toString('base64'),
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'khbs-local-uploads',
        bucket: { name: bucket, ownerIdentity: { principalId: 'KHBSLOCAL' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodeS3EventKey(key), size, eTag, sequencer: this.#nextSequencer() },
      },
    };
  }

  /** S3's sequencer: hex, increasing for successive events (here: time, then a counter). */
  #nextSequencer(): string {
    this.#sequence += 1n;
    const value = (BigInt(Date.now()) << 20n) | (this.#sequence & 0xfffffn);
    return value.toString(16).toUpperCase().padStart(18, '0');
  }

  /**
   * An asynchronous invocation from elsewhere (Lambda's Invoke API with InvocationType Event, as the
   * pipeline watchdog re-drives a lost S3 event): queued, retried and sent to the failure
   * destination exactly like an event this source found itself.
   */
  invokeAsync(event: S3Event): void {
    if (this.#state === 'stopped') throw new Error(`${this.#functionName} is stopped`);
    this.#enqueue({ event, requestId: randomUUID(), attempts: 0 });
  }

  // --- invoking -----------------------------------------------------------------------------------

  #enqueue(job: Job): void {
    this.#queue.push(job);
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0 && this.#state !== 'stopped') {
      const job = this.#queue.shift() as Job;
      this.#running += 1;
      const attempt = this.#attempt(job).finally(() => {
        this.#running -= 1;
        this.#runningAttempts.delete(attempt);
        this.#pump();
        this.#settleIdle();
      });
      this.#runningAttempts.add(attempt);
    }
  }

  async #attempt(job: Job): Promise<void> {
    job.attempts += 1;
    const context = createLambdaContext({
      functionName: this.#functionName,
      awsRequestId: job.requestId,
      timeoutMs: this.#timeoutMs,
    });
    try {
      await invokeWithTimeout(this.#options.handler, job.event, context, this.#timeoutMs);
      return;
    } catch (error) {
      const key = job.event.Records[0]?.s3.object.key ?? '?';
      this.#log(
        `s3-events: ${this.#functionName} failed on ${key} (attempt ${job.attempts}/${this.#maxRetries + 1}): ${describe(error)}`,
      );
      if (job.attempts <= this.#maxRetries) {
        this.#scheduleRetry(job);
        return;
      }
      await this.#sendFailureRecord(job, error);
    }
  }

  #scheduleRetry(job: Job): void {
    if (this.#state === 'stopped') return;
    this.#retrying += 1;
    const delay = this.#retryDelayMs * 2 ** (job.attempts - 1);
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      this.#retrying -= 1;
      this.#enqueue(job);
    }, delay);
    this.#retryTimers.add(timer);
  }

  async #sendFailureRecord(job: Job, error: unknown): Promise<void> {
    const record: DestinationFailureRecord = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: job.requestId,
        functionArn: `${functionArn(this.#functionName)}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: job.attempts,
      },
      requestPayload: job.event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: errorPayload(error),
    };
    try {
      await this.#options.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.#options.failureQueueUrl,
          MessageBody: JSON.stringify(record),
        }),
      );
    } catch (sendError) {
      this.#log(`s3-events: could not send the failure record for ${job.requestId}: ${describe(sendError)}`);
    }
  }

  // --- idleness -----------------------------------------------------------------------------------

  #jobsDone(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #settleIdle(): void {
    if (this.pending !== 0 && this.#state !== 'stopped') return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function errorPayload(error: unknown): DestinationFailureRecord['responsePayload'] {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n').filter(Boolean),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
