import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { z } from 'zod';
import { ObjectStore } from '#shared/adapters/object-store.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { UploadsRepository } from '#shared/adapters/uploads-repo.ts';
import { env } from '#shared/config/env.ts';
import { logger } from '#shared/logger.ts';
import { type ImportDeps, type ImportOutcome, importUpload } from './import-upload.ts';

/** The part of an S3 notification this function relies on. */
const S3EventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventTime: z.string(),
        s3: z.object({
          bucket: z.object({ name: z.string() }),
          object: z.object({ key: z.string(), size: z.number().int().nonnegative(), eTag: z.string() }),
        }),
      }),
    )
    .min(1),
});

let deps: ImportDeps | undefined;

function dependencies(): ImportDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    uploads: new UploadsRepository(config.tableName),
    proposals: new ProposalsRepository(config.tableName),
    recipients: new RecipientsRepository(config.tableName),
    objects: new ObjectStore(),
    tableName: config.tableName,
    documentsBucket: config.documentsBucket,
    limits: config.limits,
  };
  return deps;
}

/** S3 URL-encodes keys in notifications, with spaces as `+`. */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

/**
 * S3 `ObjectCreated` under `uploads/` → one import per record. A thrown error makes Lambda retry the
 * whole event (imports are idempotent, so records already done are skipped) and, after the last
 * retry, send it to the on-failure destination.
 */
export const handler = middy<S3Event, ImportOutcome[]>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const { Records } = S3EventSchema.parse(event);
    const outcomes: ImportOutcome[] = [];
    for (const record of Records) {
      outcomes.push(
        await importUpload(
          {
            bucket: record.s3.bucket.name,
            key: decodeKey(record.s3.object.key),
            etag: record.s3.object.eTag,
            size: record.s3.object.size,
            eventTime: record.eventTime,
          },
          dependencies(),
        ),
      );
    }
    return outcomes;
  });
