import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import * as z from 'zod';
import { OUTBOX_KEY_PREFIX } from '#shared/adapters/keys.ts';
import { type OutboxItem, OutboxItemSchema, OutboxRepository } from '#shared/adapters/outbox.ts';
import { MessageQueue } from '#shared/adapters/queue.ts';
import { env } from '#shared/config/env.ts';
import { logger } from '#shared/logger.ts';
import type { HandoffQueue } from '#shared/messages.ts';
import { publish } from '#shared/observability/telemetry.ts';
import { captureHandler } from '#shared/observability/tracing.ts';
import { QUEUES } from '#shared/resources.ts';
import { type RelayDeps, relayItems, sweepOutbox } from './relay.ts';
import { relayMetrics } from './relay-metrics.ts';

/**
 * The outbox relay: the one function that sends to the work queues. Two triggers, one handler:
 *
 * - **DynamoDB Streams** (in AWS): each new outbox item is sent within a second of its transaction.
 *   A failed send is reported as a batch item failure, so Lambda retries from that record a few
 *   times; after that the item is left PENDING for the sweep.
 * - **A sweep** (`{ type: 'outbox.sweep', olderThanSeconds }`): every PENDING item older than that
 *   is sent. In AWS an EventBridge schedule sweeps every few minutes (stream records expire after
 *   24 h, and a send may fail past the stream's retries); the local stack sweeps every fraction
 *   of a second with `olderThanSeconds: 0`, which is its relay (no stream on DynamoDB Local).
 */
const SweepSchema = z.strictObject({
  type: z.literal('outbox.sweep'),
  olderThanSeconds: z.number().int().nonnegative(),
});

const StreamEventSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string().optional(),
      dynamodb: z.object({
        SequenceNumber: z.string().optional(),
        NewImage: z
          .custom<Record<string, AttributeValue>>((value) => typeof value === 'object' && value !== null)
          .optional(),
      }),
    }),
  ),
});

export const RelayEventSchema = z.union([SweepSchema, StreamEventSchema]);
export type RelayEvent = z.input<typeof RelayEventSchema>;

export interface RelayResult {
  readonly sent: number;
  readonly failed: number;
  readonly invalid: number;
  /** Stream records to retry (Lambda's partial batch response for stream sources). */
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}

let deps: RelayDeps | undefined;

/** The relay's adapters, built once per container. */
export function dependencies(): RelayDeps {
  if (deps) return deps;
  const config = env();
  const urls: Record<HandoffQueue, string | undefined> = {
    checks: config.checksQueueUrl,
    decree: config.decreeQueueUrl,
    reconciliation: config.reconciliationQueueUrl,
    families: config.familiesQueueUrl,
  };
  const queues = new Map<HandoffQueue, MessageQueue>();
  deps = {
    outbox: new OutboxRepository(config.tableName),
    send: (queue, message, outboxId) => {
      let target = queues.get(queue);
      if (!target) {
        const url = urls[queue];
        if (!url) throw new Error(`${QUEUES[queue].envVar} is not set`);
        target = new MessageQueue(url);
        queues.set(queue, target);
      }
      return target.send(message, outboxId);
    },
  };
  return deps;
}

export const handler = middy<RelayEvent, RelayResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(captureHandler())
  .handler(async (event) => {
    const parsed = RelayEventSchema.parse(event);
    if ('type' in parsed) {
      const outcome = await sweepOutbox(parsed.olderThanSeconds, dependencies());
      publish(relayMetrics({ ...outcome, failed: outcome.failed.length }, new Date()));
      if (outcome.found > 0) {
        logger.info('Outbox swept', {
          found: outcome.found,
          sent: outcome.sent,
          failed: outcome.failed.length,
          invalid: outcome.invalid,
        });
      }
      const { oldestCreatedAt: _oldest, ...counts } = outcome;
      return { ...counts, failed: outcome.failed.length, batchItemFailures: [] };
    }
    const bySequence = new Map<string, string>();
    const items: OutboxItem[] = [];
    for (const record of parsed.Records) {
      const image = record.dynamodb.NewImage;
      if (record.eventName !== 'INSERT' || !image) continue;
      const item = unmarshall(image);
      if (typeof item.pk !== 'string' || !item.pk.startsWith(OUTBOX_KEY_PREFIX)) continue;
      const outboxItem = OutboxItemSchema.parse(item);
      items.push(outboxItem);
      if (record.dynamodb.SequenceNumber) bySequence.set(outboxItem.outboxId, record.dynamodb.SequenceNumber);
    }
    const outcome = await relayItems(items, dependencies());
    publish(relayMetrics({ sent: outcome.sent, failed: outcome.failed.length }, new Date()));
    // The first failed record and everything after it are retried (Lambda checkpoints before it).
    const batchItemFailures = outcome.failed.flatMap((outboxId) => {
      const sequence = bySequence.get(outboxId);
      return sequence ? [{ itemIdentifier: sequence }] : [];
    });
    return { sent: outcome.sent, failed: outcome.failed.length, invalid: outcome.invalid, batchItemFailures };
  });
