import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { MessageQueue } from '#shared/adapters/queue.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { RegistryRepository } from '#shared/adapters/registry-repo.ts';
import { env } from '#shared/config/env.ts';
import { logger } from '#shared/logger.ts';
import { type ChecksRequested, ChecksRequestedSchema } from '#shared/messages.ts';
import { type RunChecksDeps, runChecks } from './run-checks.ts';
import { WaiverReader } from './waivers.ts';

let deps: RunChecksDeps | undefined;

function dependencies(): RunChecksDeps {
  if (deps) return deps;
  const config = env();
  // Re-checks of other regions go back onto this function's own queue: without it, a conflict
  // would be seen by one side only.
  if (!config.checksQueueUrl) throw new Error('CHECKS_QUEUE_URL is not set');
  deps = {
    proposals: new ProposalsRepository(config.tableName),
    recipients: new RecipientsRepository(config.tableName),
    registry: new RegistryRepository(config.tableName),
    waivers: new WaiverReader(config.tableName),
    rechecks: new MessageQueue(config.checksQueueUrl),
    tableName: config.tableName,
  };
  return deps;
}

/** A message that can never be processed: retried until SQS moves it to the dead-letter queue. */
export class PoisonMessageError extends Error {
  constructor(messageId: string, problem: string) {
    super(`message ${messageId} is not a checks.requested message: ${problem}`);
    this.name = 'PoisonMessageError';
  }
}

/** The record's body as a `checks.requested` message. */
export function parseRecord(record: SQSRecord): ChecksRequested {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError(record.messageId, 'body is not JSON');
  }
  const parsed = ChecksRequestedSchema.safeParse(body);
  if (!parsed.success) {
    // Paths and codes only: the body itself is not logged (a stray payload could hold anything).
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
    throw new PoisonMessageError(record.messageId, problems.join(', '));
  }
  return parsed.data;
}

/**
 * SQS → one checks run per record, in order (each run already works in parallel inside). A record
 * that fails, malformed or not, is reported in `batchItemFailures`, so SQS retries only that one and,
 * after `maxReceiveCount` receives, moves it to the dead-letter queue; the others are deleted.
 *
 * The partial-batch response is built here rather than by `@middy/sqs-partial-batch-failure`: that
 * middleware needs the handler to return an array of settled promises in place of the Lambda
 * response (a type this handler would have to lie about) and logs whole records by default.
 * The event source mapping must enable `ReportBatchItemFailures`.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const record of event.Records) {
      try {
        await runChecks(parseRecord(record), record.messageId, dependencies());
      } catch (error) {
        logger.error('Checks failed for a message; SQS will retry it', {
          messageId: record.messageId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
