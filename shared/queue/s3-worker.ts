import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { z } from 'zod';
import { logger } from '../logger.ts';

/** The part of an S3 notification the imports rely on. */
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

/** One created object, as the imports take it (the key decoded). */
export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly size: number;
  readonly eventTime: string;
}

/** S3 URL-encodes keys in notifications, with spaces as `+`. */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

/**
 * An S3-triggered import: one `work` per record, in order. A thrown error makes Lambda retry the
 * whole event (the imports are idempotent, so objects already done are skipped) and, after the last
 * retry, send it to the on-failure destination.
 */
export function s3Worker<T>(work: (object: CreatedObject) => Promise<T>) {
  return middy<S3Event, T[]>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const { Records } = S3EventSchema.parse(event);
      const outcomes: T[] = [];
      for (const record of Records) {
        outcomes.push(
          await work({
            bucket: record.s3.bucket.name,
            key: decodeKey(record.s3.object.key),
            etag: record.s3.object.eTag,
            size: record.s3.object.size,
            eventTime: record.eventTime,
          }),
        );
      }
      return outcomes;
    });
}
