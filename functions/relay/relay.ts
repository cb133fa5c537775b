import type { OutboxItem, OutboxRepository } from '#shared/adapters/outbox.ts';
import { logger } from '#shared/logger.ts';
import { HANDOFF_SCHEMAS, type HandoffQueue } from '#shared/messages.ts';

export interface RelayDeps {
  readonly outbox: Pick<OutboxRepository, 'pending' | 'markSent' | 'markSendFailed' | 'markInvalid'>;
  /** Sends one message to one work queue; resolves to its SQS message id. */
  readonly send: (queue: HandoffQueue, message: object, outboxId: string) => Promise<string | undefined>;
  readonly now?: () => Date;
}

export interface RelayOutcome {
  readonly sent: number;
  /** Items whose send failed: still PENDING, sent by the next attempt (stream retry or sweep). */
  readonly failed: readonly string[];
  /** Items whose message fits no schema: marked INVALID, never sent. */
  readonly invalid: number;
}

/** Sends at once at most this many (a sweep after an outage may find hundreds). */
const CONCURRENCY = 8;

/**
 * Publishes outbox items: each message is validated against its queue's schema, sent, and its item
 * marked SENT. A failed send is recorded on the item (which stays PENDING); it never throws for one
 * item, so one bad queue does not hold back the others.
 */
export async function relayItems(items: readonly OutboxItem[], deps: RelayDeps): Promise<RelayOutcome> {
  const now = deps.now ?? (() => new Date());
  let sent = 0;
  let invalid = 0;
  const failed: string[] = [];
  const pending = items.filter((item) => item.status === 'PENDING');
  for (let start = 0; start < pending.length; start += CONCURRENCY) {
    await Promise.all(
      pending.slice(start, start + CONCURRENCY).map(async (item) => {
        const parsed = HANDOFF_SCHEMAS[item.queue].safeParse(item.message);
        if (!parsed.success) {
          invalid++;
          const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`);
          logger.error('Outbox message fits no schema of its queue; marked INVALID, not sent', {
            outboxId: item.outboxId,
            queue: item.queue,
            problems,
          });
          await deps.outbox.markInvalid(item.outboxId, problems.join(', '), now());
          return;
        }
        let messageId: string | undefined;
        try {
          messageId = await deps.send(item.queue, parsed.data, item.outboxId);
        } catch (error) {
          failed.push(item.outboxId);
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          logger.warn('Outbox send failed; the item stays PENDING', {
            outboxId: item.outboxId,
            queue: item.queue,
            failedSends: item.failedSends + 1,
            reason,
          });
          await deps.outbox.markSendFailed(item.outboxId, reason, now()).catch((markError: unknown) => {
            logger.warn('Could not record the failed send', { outboxId: item.outboxId, error: markError });
          });
          return;
        }
        sent++;
        if (!(await deps.outbox.markSent(item.outboxId, messageId, now()))) {
          logger.info('Outbox item was already sent (a stream record and a sweep met)', {
            outboxId: item.outboxId,
          });
        }
      }),
    );
  }
  return { sent, failed, invalid };
}

/**
 * The sweep: every item still PENDING that was created more than `olderThanSeconds` ago, oldest
 * first, in pages of `pageSize`, until none is left or a send fails (the queue is down: the next
 * sweep tries again). Items already handled in this sweep are skipped if the index still lists them.
 * Also says when the oldest pending item was created (what the on-call alarm on stuck hand-offs reads).
 */
export async function sweepOutbox(
  olderThanSeconds: number,
  deps: RelayDeps,
  pageSize = 100,
): Promise<RelayOutcome & { readonly found: number; readonly oldestCreatedAt?: string }> {
  const now = deps.now ?? (() => new Date());
  const before = new Date(now().getTime() - olderThanSeconds * 1000).toISOString();
  const total: { found: number; sent: number; invalid: number; failed: string[]; oldestCreatedAt?: string } =
    {
      found: 0,
      sent: 0,
      invalid: 0,
      failed: [],
    };
  const seen = new Set<string>();
  for (;;) {
    const page = (await deps.outbox.pending(before, pageSize)).filter((item) => !seen.has(item.outboxId));
    if (page.length === 0) break;
    // Pages come oldest first: the first item found is the oldest hand-off still pending.
    total.oldestCreatedAt ??= page[0]?.createdAt;
    for (const item of page) seen.add(item.outboxId);
    const outcome = await relayItems(page, deps);
    total.found += page.length;
    total.sent += outcome.sent;
    total.invalid += outcome.invalid;
    total.failed.push(...outcome.failed);
    if (outcome.failed.length > 0) break;
  }
  return total;
}
