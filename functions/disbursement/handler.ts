import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { z } from 'zod';
import { ObjectStore } from '#shared/adapters/object-store.ts';
import { BankReportsRepository, PaymentsRepository } from '#shared/adapters/payments-repo.ts';
import { env } from '#shared/config/env.ts';
import { logger } from '#shared/logger.ts';
import { type BankImportDeps, type BankImportOutcome, importBankReport } from './import-bank-report.ts';

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

let deps: BankImportDeps | undefined;

function dependencies(): BankImportDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    reports: new BankReportsRepository(config.tableName),
    payments: new PaymentsRepository(config.tableName),
    objects: new ObjectStore(),
    documentsBucket: config.documentsBucket,
    maxFileBytes: config.limits.maxFileBytes,
  };
  return deps;
}

/** S3 URL-encodes keys in notifications, with spaces as `+`. */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

/**
 * S3 `ObjectCreated` under `disbursements/` → one bank report import per record. A thrown error
 * makes Lambda retry the whole event (imports are idempotent, so reports already done are skipped)
 * and, after the last retry, send it to the on-failure destination.
 */
export const handler = middy<S3Event, BankImportOutcome[]>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const { Records } = S3EventSchema.parse(event);
    const outcomes: BankImportOutcome[] = [];
    for (const record of Records) {
      outcomes.push(
        await importBankReport(
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
