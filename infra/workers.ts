/**
 * How the queue workers run: read by their constructs (`infra/constructs/checks-worker.ts`,
 * `infra/constructs/decree-pipeline.ts`) and by the local stack (`local/stack.ts`), so the local
 * event source invokes the checks as Lambda will. Plain data, no CDK import.
 */

/**
 * SQS visibility timeout ≥ 6 × the consumer's timeout: Lambda's guidance for SQS event sources,
 * so that a message is not handed out again while an invocation (and its retries by the poller)
 * may still be working on it.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** The automatic checks (`CHECKS_FUNCTION`, consuming `QUEUES.checks`). */
export const CHECKS_WORKER = {
  /** One run checks one submitted list against every other region's: minutes, not seconds. */
  timeoutSeconds: 5 * 60,
  memoryMb: 1024,
  /** One proposal per invocation: a run is long, and a failure then retries only its own list. */
  batchSize: 1,
  /**
   * Runs at once (the event source's MaximumConcurrency, 2–1000): a few lists in parallel, without
   * letting a burst of submissions and re-checks take the table's capacity from the API.
   */
  maxConcurrency: 3,
} as const;

/** The decree worker (`DECREE_FUNCTION`, consuming `QUEUES.decree`). */
export const DECREE_WORKER = {
  /** A 30,000-recipient decree renders and stores in seconds (see README, benchmarks): a wide margin. */
  timeoutSeconds: 5 * 60,
  /** The lampiran's rows plus the PDF itself (a few MB at 30,000 recipients); more memory is more CPU. */
  memoryMb: 1536,
  /** One decree per invocation: a failure retries only its own. */
  batchSize: 1,
  /**
   * Decrees at once. Every numbering transaction conditions on the year's one counter item, so
   * parallel workers only retry each other; two keep a burst of approvals moving.
   */
  maxConcurrency: 2,
} as const;

/** The reconciliation job (`RECONCILE_FUNCTION`, consuming `QUEUES.reconciliation`). */
export const RECONCILE_WORKER = {
  /**
   * Lambda's maximum. 300,000 recipients against 300,000 payment lines read in a few minutes (see
   * README, benchmarks): a wide margin before a fan-out would be needed.
   */
  timeoutSeconds: 15 * 60,
  /** One entry per expected recipient in memory (~0.5 KB each at 300,000), and CPU for matching. */
  memoryMb: 3008,
  /** The SQS event source's minimum; runs are idempotent, so two at once only cost reads. */
  maxConcurrency: 2,
} as const;

/** The outbox relay (`RELAY_FUNCTION`: DynamoDB stream and sweep schedule). */
export const RELAY_WORKER = {
  /** A sweep after an SQS outage sends a few hundred messages: seconds. */
  timeoutSeconds: 60,
  memoryMb: 256,
  /** Stream retries of a failed send before the item is left to the sweep. */
  streamRetryAttempts: 3,
  /** The sweep's cadence: a hand-off whose sends all failed waits at most this long once SQS is back. */
  sweepEveryMinutes: 2,
  /** Items younger than this are the stream's (a sweep would only send them twice). */
  sweepOlderThanSeconds: 60,
} as const;
