/**
 * How the queue workers and scheduled jobs run: read by their constructs
 * (`infra/constructs/checks-worker.ts`, `infra/constructs/decree-pipeline.ts`,
 * `infra/constructs/watchdog.ts`, `infra/constructs/family-pipeline.ts`) and by the local stack
 * (`local/stack.ts`), so the local event source invokes the checks as Lambda will. Plain data, no CDK import.
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

/** The family programme's jobs (`FAMILIES_FUNCTION`, consuming `QUEUES.families`). */
export const FAMILIES_WORKER = {
  /**
   * Lambda's maximum. A snapshot's cross-check reads both files of one region (seconds), but an
   * eligibility run reads all 300,000 families of the province: as the reconciliation, a wide margin
   * before a fan-out would be needed.
   */
  timeoutSeconds: 15 * 60,
  /** Eligibility holds one entry per family (300,000) in memory, with CPU for the rules: as RECONCILE_WORKER. */
  memoryMb: 3008,
  /** One job per invocation: a job is long, and a failure then retries only its own. */
  batchSize: 1,
  /**
   * The SQS event source's minimum. Jobs are idempotent, and a province-wide run must not take the
   * table's capacity from the API; two let a snapshot's cross-check pass an eligibility run.
   */
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

/** The pipeline watchdog (`WATCHDOG_FUNCTION`, invoked by its EventBridge schedule, no queue). */
export const WATCHDOG_JOB = {
  /**
   * How often it runs. Hourly: a file whose S3 event was lost is re-driven once it is older than
   * the re-drive delay (`REDRIVE_AFTER_MINUTES`, 30), so an operator waits at most about an hour and
   * a half for an import that would otherwise never come, and a stuck proposal (days) is seen the
   * same day. A run is a few Queries, one listing of the uploads and a hash of each open decree's
   * PDF: 24 a day cost next to nothing, and running more often would not beat the re-drive delay.
   */
  everyMinutes: 60,
  /** Listing, a Query per region and hashing a few PDFs of a few MB: a minute at most. */
  timeoutSeconds: 5 * 60,
  /** Nothing is held but the proposals and decrees (a few hundred records); PDFs are hashed as streams. */
  memoryMb: 512,
} as const;
