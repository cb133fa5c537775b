import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../logger.ts';
import { type Correlation, traced } from '../observability/telemetry.ts';
import { captureHandler } from '../observability/tracing.ts';

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

/**
 * Encodes an object key as S3 writes it into event notifications: form-URL-encoding (a space
 * becomes `+`, `+` becomes `%2B`) with `/` left as is. Handlers decode with
 * `decodeURIComponent(key.replaceAll('+', ' '))`.
 */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => new URLSearchParams({ k: segment }).toString().slice(2))
    .join('/');
}

/** The key a notification carries, decoded ({@link encodeS3EventKey} in reverse). */
export const decodeS3EventKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

/**
 * An S3-triggered import: one `work` per record, in order. A thrown error makes Lambda retry the
 * whole event (the imports are idempotent, so objects already done are skipped) and, after the last
 * retry, send it to the on-failure destination.
 */
export function s3Worker<T>(
  work: (object: CreatedObject) => Promise<T>,
  correlation: (object: CreatedObject) => Correlation = () => ({}),
) {
  return middy<S3Event, T[]>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureHandler())
    .handler(async (event) => {
      const { Records } = S3EventSchema.parse(event);
      const outcomes: T[] = [];
      for (const record of Records) {
        const object: CreatedObject = {
          bucket: record.s3.bucket.name,
          key: decodeS3EventKey(record.s3.object.key),
          etag: record.s3.object.eTag,
          size: record.s3.object.size,
          eventTime: record.eventTime,
        };
        outcomes.push(await traced('s3 object', correlation(object), () => work(object)));
      }
      return outcomes;
    });
}
