import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import { logger } from '../logger.ts';
import { correlationOf, traced } from '../observability/telemetry.ts';
import { captureHandler } from '../observability/tracing.ts';

/** A message that can never be processed: retried until SQS moves it to the dead-letter queue. */
export class PoisonMessageError extends Error {
  constructor(messageId: string, type: string, problem: string) {
    super(`message ${messageId} is not a ${type} message: ${problem}`);
    this.name = 'PoisonMessageError';
  }
}

/** The record's body as a message of `schema` (its `type` literal names it in errors). */
export function parseRecord<T>(record: SQSRecord, schema: z.ZodType<T>, type: string): T {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError(record.messageId, type, 'body is not JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    // Paths and codes only: the body itself is not logged (a stray payload could hold anything).
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
    throw new PoisonMessageError(record.messageId, type, problems.join(', '));
  }
  return parsed.data;
}

/**
 * An SQS-triggered worker: each record is parsed with `schema` and handed to `work`, in order. A
 * record that fails, malformed or not, is reported in `batchItemFailures`, so SQS retries only that
 * one and, after `maxReceiveCount` receives, moves it to the dead-letter queue; the others are
 * deleted. The event source mapping must enable `ReportBatchItemFailures`.
 *
 * Each record runs in a trace subsegment of its own, its message's ids (`proposalId`, `runId`,
 * `region`) on the subsegment as annotations and on its log lines as keys.
 *
 * The partial-batch response is built here rather than by `@middy/sqs-partial-batch-failure`: that
 * middleware needs the handler to return an array of settled promises in place of the Lambda
 * response (a type this handler would have to lie about) and logs whole records by default.
 */
export function queueWorker<T>(options: {
  readonly schema: z.ZodType<T>;
  readonly type: string;
  readonly work: (message: T, record: SQSRecord) => Promise<unknown>;
}) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureHandler())
    .handler(async (event) => {
      const batchItemFailures: SQSBatchItemFailure[] = [];
      for (const record of event.Records) {
        try {
          const message = parseRecord(record, options.schema, options.type);
          await traced(options.type, correlationOf(message), () => options.work(message, record));
        } catch (error) {
          logger.error(`${options.type} failed for a message; SQS will retry it`, {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            error,
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    });
}
