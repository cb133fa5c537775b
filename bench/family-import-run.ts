import { performance } from 'node:perf_hooks';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { importObjectKey } from '#shared/adapters/storage-keys.ts';
import type { ImportRecord } from '#shared/model.ts';
import type { handler as FamilyImportHandler } from '../functions/family-import/handler.ts';

/** What the handler answers of an import that completed. */
type Completed = Extract<Awaited<ReturnType<typeof FamilyImportHandler>>[number], { kind: 'completed' }>;

/** What a route records of a family import file besides its id and kind (region, tahap, version…). */
export type ImportFacts = Pick<ImportRecord, 'importId' | 'kind' | 'region'> &
  Partial<Pick<ImportRecord, 'tahapId' | 'versionDate' | 'relationshipCodes'>>;

/**
 * The family import (`functions/family-import/handler.ts`) of a CSV already at its key in the
 * uploads bucket, as Lambda runs it (per-invocation logger context, the 15-minute timeout), after the
 * AWAITING_FILE record `POST /imports` would have written (untimed). Returns the handler's time and
 * the completed record; anything but a completed import throws. The product's modules are loaded
 * here, so a bare case in the same process list never carries them.
 */
export async function timedFamilyImport(
  facts: ImportFacts,
): Promise<{ ms: number; record: Completed['record'] }> {
  const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
  const { handler } = await import('../functions/family-import/handler.ts');
  const { createLambdaContext, invokeWithTimeout } = await import('../local/lambda.ts');
  const { objectCreatedEvent } = await import('#shared/adapters/lambda-invoker.ts');
  const bucket = process.env.UPLOADS_BUCKET as string;
  const s3Key = importObjectKey(facts.kind, facts.importId, 'csv');
  const now = new Date();
  const record: ImportRecord = {
    ...facts,
    filename: `${facts.kind.toLowerCase()}.csv`,
    format: 'csv',
    status: 'AWAITING_FILE',
    createdAt: now.toISOString(),
    s3Key,
    attempts: 0,
    rowsProcessed: 0,
    reasons: [],
  };
  await new ImportsRepository(process.env.TABLE_NAME as string).createAwaiting(
    record,
    new Date(now.getTime() + 86_400_000),
  );
  const s3 = new S3Client({ forcePathStyle: true });
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: s3Key }));
  s3.destroy();
  const event = objectCreatedEvent(
    bucket,
    { key: s3Key, size: head.ContentLength ?? 0, etag: (head.ETag ?? '').replaceAll('"', '') },
    new Date(),
  );
  const started = performance.now();
  const outcomes = (await invokeWithTimeout(
    handler,
    event,
    createLambdaContext({ functionName: 'bench-family-import', timeoutMs: 900_000 }),
    900_000,
  )) as Awaited<ReturnType<typeof handler>>;
  const ms = performance.now() - started;
  const outcome = outcomes[0];
  if (outcome?.kind !== 'completed') throw new Error(`import of ${s3Key}: ${JSON.stringify(outcome)}`);
  return { ms, record: outcome.record };
}
