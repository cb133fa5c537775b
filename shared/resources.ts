/**
 * The one place that names the stateful resources. The CDK stack builds them from this description
 * and the local stack creates the same tables, buckets and queues from it, so the two can never
 * disagree about names, keys or indexes. Functions learn the deployed names from the environment
 * variables named here (see `shared/config/env.ts`).
 */

export interface TableSpec {
  /** Logical id in CloudFormation and the table name in the local stack. */
  readonly id: string;
  readonly localName: string;
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly timeToLiveAttribute?: string;
  /**
   * A DynamoDB stream of new images, in AWS: the outbox relay reads its outbox items from it. The
   * local stack creates no stream (it sweeps the outbox instead: `local/outbox-relay.ts`).
   */
  readonly stream?: 'NEW_IMAGE';
  readonly globalIndexes: readonly {
    readonly name: string;
    readonly partitionKey: string;
    readonly sortKey: string;
  }[];
}

export interface BucketSpec {
  readonly id: string;
  readonly localName: string;
  readonly envVar: string;
}

export interface QueueSpec {
  readonly id: string;
  readonly localName: string;
  readonly envVar: string;
  /** Present on a work queue: the name of its dead-letter queue and the receive count before redrive. */
  readonly deadLetter?: { readonly localName: string; readonly maxReceiveCount: number };
}

export const TABLES = {
  /** Single table: uploads, proposals, recipient lists, audit. Keys are built in `shared/adapters/keys.ts`. */
  main: {
    id: 'MainTable',
    localName: 'khbs-main',
    envVar: 'TABLE_NAME',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    stream: 'NEW_IMAGE',
    globalIndexes: [
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      /** Only the DTSEN family items: a desa's families by the head's name (`keys.ts` familyLookup). */
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    ],
  },
} as const satisfies Record<string, TableSpec>;

export const BUCKETS = {
  /** Files from the regions (`uploads/…`) and from the bank (`disbursements/…`). */
  uploads: { id: 'UploadsBucket', localName: 'khbs-uploads', envVar: 'UPLOADS_BUCKET' },
  /** Error reports, decrees and reconciliation reports, handed out through presigned URLs. */
  documents: { id: 'DocumentsBucket', localName: 'khbs-documents', envVar: 'DOCUMENTS_BUCKET' },
} as const satisfies Record<string, BucketSpec>;

export const QUEUES = {
  /** Import events that failed after Lambda's own retries (the import function's on-failure destination). */
  importFailures: {
    id: 'ImportFailureQueue',
    localName: 'khbs-import-failures',
    envVar: 'IMPORT_FAILURE_QUEUE_URL',
  },
  /** A submitted list waits here for its automatic checks (`shared/messages.ts` ChecksRequested). */
  checks: {
    id: 'ChecksQueue',
    localName: 'khbs-checks',
    envVar: 'CHECKS_QUEUE_URL',
    deadLetter: { localName: 'khbs-checks-dlq', maxReceiveCount: 5 },
  },
  /** An approved proposal waits here for its decree (`shared/messages.ts` DecreeRequested). */
  decree: {
    id: 'DecreeQueue',
    localName: 'khbs-decree',
    envVar: 'DECREE_QUEUE_URL',
    deadLetter: { localName: 'khbs-decree-dlq', maxReceiveCount: 5 },
  },
  /** A reconciliation run waits here (`shared/messages.ts` ReconciliationRequested): daily schedule or API. */
  reconciliation: {
    id: 'ReconciliationQueue',
    localName: 'khbs-reconciliation',
    envVar: 'RECONCILIATION_QUEUE_URL',
    deadLetter: { localName: 'khbs-reconciliation-dlq', maxReceiveCount: 3 },
  },
  /**
   * The family programme's jobs (`shared/messages.ts` FamilyJob): a DTSEN snapshot's cross-check,
   * an eligibility run.
   */
  families: {
    id: 'FamiliesQueue',
    localName: 'khbs-families',
    envVar: 'FAMILIES_QUEUE_URL',
    deadLetter: { localName: 'khbs-families-dlq', maxReceiveCount: 3 },
  },
} as const satisfies Record<string, QueueSpec>;

/** S3 key prefixes: those that trigger work, and where each kind of document is kept (every key: `adapters/storage-keys.ts`). */
export { PREFIXES } from './adapters/storage-keys.ts';
