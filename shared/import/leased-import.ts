import type {
  ClaimRequest,
  FencedUpdate,
  FileClaim,
  FileClaims,
  LeasedRecord,
} from '../adapters/file-claims.ts';
import type { ObjectStore } from '../adapters/object-store.ts';
import { logger } from '../logger.ts';
import type { FileIssue } from '../model.ts';
import type { CreatedObject } from '../queue/s3-worker.ts';
import { FileRejection } from './source.ts';

/** How long an attempt owns a record without renewing (renewed with every progress write). */
export const LEASE_MS = 90_000;
/**
 * Attempts at one object before its import ends FAILED: Lambda's asynchronous invocation makes three
 * in all, and a re-drive by the watchdog counts as one more only while this many are not used.
 */
export const MAX_ATTEMPTS = 3;

/** Another attempt holds a live lease on this record: fail so Lambda retries later. */
export class ImportBusyError extends Error {
  constructor(kind: string, id: string) {
    super(`${kind} ${id} is being processed by another attempt`);
    this.name = 'ImportBusyError';
  }
}

/**
 * The reason of an import that stopped at the cap: `Impor berhenti setelah N percobaan: ` and what
 * happened (the last attempt failed, or every attempt stopped without a word), then the advice.
 */
export function attemptsExhausted(
  tries: number,
  how: 'failed' | 'interrupted',
  noun: string,
  advice: string,
): FileIssue {
  const what =
    how === 'failed'
      ? `terjadi gangguan sistem saat memproses ${noun}`
      : 'setiap percobaan terhenti sebelum selesai (batas waktu habis)';
  return {
    code: 'INTERNAL',
    message: `Impor berhenti setelah ${tries} percobaan: ${what}. Tim teknis sudah diberi tahu; ${advice}`,
  };
}

/** `bank report` → `Bank report`, for log messages. */
const labelOf = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/** What every leased file import needs besides its repositories. */
export interface FileImportDeps {
  readonly objects: ObjectStore;
  /** Where error reports go. */
  readonly documentsBucket: string;
  readonly now?: () => Date;
  /** Rows or lines between progress writes (and lease renewals). */
  readonly progressEvery?: number;
}

/** An object the import does not take (its key is not one of the import's): nothing read, nothing written. */
export interface IgnoredObject {
  readonly kind: 'ignored';
  readonly reason: string;
}

/** What one event did, the record named by its id field (`uploadId`, `key`). */
export type FileImportOutcome<IdField extends string, R> =
  | IgnoredObject
  | ({ readonly kind: 'duplicate-event'; readonly status: string } & { readonly [K in IdField]: string })
  | ({ readonly kind: 'completed'; readonly record: Partial<R> } & { readonly [K in IdField]: string })
  | ({ readonly kind: 'rejected'; readonly reasons: FileIssue[] } & { readonly [K in IdField]: string });

/** One attempt's ownership of its record: the lease it renews and the fence its closing write carries. */
export class LeasedAttempt<R extends LeasedRecord> {
  constructor(
    private readonly claims: Pick<FileClaims<R>, 'heartbeat' | 'finish' | 'finishUpdate' | 'get'>,
    readonly id: string,
    /** The fencing token: the record's attempt number this attempt claimed. */
    readonly attempt: number,
    /** Attempts at this object so far, this one included. */
    readonly tries: number,
    /** The record as claimed. */
    readonly record: R,
    /** The import's clock. */
    readonly now: () => Date,
    /** When the attempt began (before its claim). */
    readonly started: Date,
    private readonly leaseMs: number,
  ) {}

  /** `finishedAt` (now) and `durationMs` since the attempt began, for the closing write. */
  timing(): { readonly finishedAt: string; readonly durationMs: number } {
    const finishedAt = this.now();
    return {
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - this.started.getTime(),
    };
  }

  /** Records progress and renews the lease; throws if another attempt has taken over. */
  heartbeat(progress: number): Promise<void> {
    return this.claims.heartbeat(this.id, this.attempt, progress, this.now().getTime() + this.leaseMs);
  }

  /** Closes the record with `fields`, fenced on this attempt; throws if another attempt has taken over. */
  finish(fields: Partial<R>): Promise<void> {
    return this.claims.finish(this.id, this.attempt, fields);
  }

  /** The same closing write, for a transaction that changes something else with it. */
  finishUpdate(fields: Partial<R>): FencedUpdate {
    return this.claims.finishUpdate(this.id, this.attempt, fields);
  }

  /** The record now, and whether this attempt still owns it (PROCESSING under its attempt number). */
  async current(): Promise<{ readonly owned: boolean; readonly record: R | undefined }> {
    const record = await this.claims.get(this.id);
    return { owned: record?.status === 'PROCESSING' && record.attempts === this.attempt, record };
  }

  /** Gives the lease up at once (keeping the progress count) so a retry need not wait for it to run out. */
  release(progress: number): Promise<void> {
    return this.claims.heartbeat(this.id, this.attempt, progress, 0);
  }
}

/** The work of one attempt, made once the record is claimed. */
export interface ImportBody<R extends LeasedRecord, O> {
  /** Reads the object and closes the record (`attempt.finish`). A {@link FileRejection} thrown goes to `reject`. */
  run(): Promise<O>;
  /** Refuses the whole file with its reasons and closes the record REJECTED. */
  reject(reasons: FileIssue[]): Promise<O>;
  /** What the record says when the attempt ends FAILED (counts so far, timings), besides status and reasons. */
  closing(): Partial<R>;
  /** The progress count to keep when the lease is given up. */
  progress(): number;
}

/** One leased file import of one object: what its claim writes, and the work. */
export interface LeasedImport<K, R extends LeasedRecord, O> {
  /**
   * What the claim writes on the record besides the lease fields and those every file import
   * record has (`startedAt`, `sizeBytes`, `reasons`, `createdAt`; an earlier result's `finishedAt`,
   * `durationMs`, `reportKey`, `sha256` removed), given the object's key and when the attempt began.
   */
  fields(key: K, started: Date): Pick<ClaimRequest, 'set' | 'setIfAbsent' | 'remove'>;
  /** The clock; the system's by default. */
  readonly now?: (() => Date) | undefined;
  /** Default {@link LEASE_MS}. */
  readonly leaseMs?: number;
  /** Default {@link MAX_ATTEMPTS}. */
  readonly maxAttempts?: number;
  /** What the user should do once an import stopped for good (the end of its reason). */
  readonly retryAdvice: string;
  /** The answer when the claim did not hold (a live lease is not one: the engine throws {@link ImportBusyError}). */
  notClaimed(claim: Exclude<FileClaim<R>, { kind: 'claimed' | 'busy' }>, key: K, at: Date): Promise<O>;
  /** The attempt's work. */
  start(attempt: LeasedAttempt<R>, key: K): ImportBody<R, O>;
}

/**
 * Runs one leased file import: take the object's key apart (a key of another kind is ignored),
 * claim the record (with a lease and an attempt number, conditional on the record as read), run the
 * body, which closes the record with a write fenced on its attempt.
 *
 * Contract:
 * - A repeated event for a record done with this object (`closed`), a record that names another S3
 *   key (`key-mismatch`, left untouched) or one this claim closed at the cap (`exhausted`) goes to
 *   `notClaimed` and changes nothing else; a live lease throws {@link ImportBusyError} so the event
 *   is retried later.
 * - A {@link FileRejection} from the body is handed to `body.reject`; if rejecting fails, that failure
 *   is treated as below.
 * - Any other failure is logged and rethrown (Lambda retries). Before that the lease is given up at
 *   once, or, on the last allowed attempt at this object (`maxAttempts`, default {@link MAX_ATTEMPTS}),
 *   the record is closed FAILED with `Impor berhenti setelah N percobaan: terjadi gangguan sistem …`
 *   ({@link attemptsExhausted}). An attempt that dies without a word (timeout, crash) leaves its lease
 *   to run out: the next claim takes over, or, when it was the last allowed one, closes the record
 *   FAILED with `Impor berhenti setelah N percobaan: setiap percobaan terhenti …`. FAILED
 *   is final for that object: no claim takes it again (only a different object, where the record type
 *   allows one).
 */
export async function runLeasedImport<K, R extends LeasedRecord, O>(
  claims: FileClaims<R, K>,
  object: CreatedObject,
  job: LeasedImport<K, R, O>,
): Promise<O | IgnoredObject> {
  const { type } = claims;
  const key = type.parseKey(object.key);
  if (!key) {
    logger.warn(`Ignoring object with a malformed ${type.name} key`, { key: object.key });
    return { kind: 'ignored', reason: 'malformed key' };
  }
  const id = type.idOf(key);
  const now = job.now ?? (() => new Date());
  const leaseMs = job.leaseMs ?? LEASE_MS;
  const maxAttempts = job.maxAttempts ?? MAX_ATTEMPTS;
  const started = now();
  const own = job.fields(key, started);
  const claim = await claims.claim({
    id,
    s3Key: object.key,
    etag: object.etag,
    now: started,
    leaseMs,
    maxAttempts,
    set: { ...own.set, startedAt: started.toISOString(), sizeBytes: object.size, reasons: [] },
    setIfAbsent: { ...own.setIfAbsent, createdAt: started.toISOString() },
    remove: [...(own.remove ?? []), 'finishedAt', 'durationMs', 'reportKey', 'sha256'],
    exhausted: (tries) => attemptsExhausted(tries, 'interrupted', type.noun, job.retryAdvice),
  });
  if (claim.kind === 'busy') throw new ImportBusyError(type.name, id);
  if (claim.kind !== 'claimed') {
    if (claim.kind === 'exhausted') {
      logger.error(`${labelOf(type.name)} import stopped after its last allowed attempt`, {
        id,
        attempts: claim.record.attempts,
      });
    }
    return job.notClaimed(claim, key, started);
  }

  const attempt = new LeasedAttempt(
    claims,
    id,
    claim.attempt,
    claim.tries,
    claim.record,
    now,
    started,
    leaseMs,
  );
  const body = job.start(attempt, key);
  try {
    return await body.run();
  } catch (error) {
    let failure = error;
    if (error instanceof FileRejection) {
      try {
        return await body.reject([{ code: error.code, message: error.message }]);
      } catch (rejecting) {
        failure = rejecting;
      }
    }
    await fail(claims, job, attempt, body, failure, maxAttempts);
    throw failure;
  }
}

/** An unexpected failure: give the lease up for Lambda's retry, or record FAILED on the last allowed attempt. */
async function fail<K, R extends LeasedRecord, O>(
  claims: FileClaims<R, K>,
  job: LeasedImport<K, R, O>,
  attempt: LeasedAttempt<R>,
  body: ImportBody<R, O>,
  error: unknown,
  maxAttempts: number,
): Promise<void> {
  logger.error(`${labelOf(claims.type.name)} import failed`, {
    id: attempt.id,
    attempt: attempt.attempt,
    tries: attempt.tries,
    error,
  });
  try {
    if (attempt.tries >= maxAttempts) {
      await claims.finish(attempt.id, attempt.attempt, {
        ...body.closing(),
        status: 'FAILED',
        reasons: [attemptsExhausted(attempt.tries, 'failed', claims.type.noun, job.retryAdvice)],
      });
    } else {
      await attempt.release(body.progress());
    }
  } catch (cleanup) {
    logger.warn(`Could not record the failure on the ${claims.type.name}`, {
      id: attempt.id,
      error: cleanup,
    });
  }
}
