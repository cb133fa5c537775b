import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import type { ReconciliationRequested } from '../messages.ts';
import { type ReconciliationRun, ReconciliationRunSchema } from '../model.ts';
import { documentClient } from './clients/dynamodb.ts';
import { RECONCILIATIONS_INDEX_KEY, reconciliationKey } from './keys.ts';
import { handoffItem } from './outbox.ts';

/**
 * A run as stored here: the shared record, plus what this job adds about its reach: its scope
 * (`open`: open work only, `all`: every decree; `functions/reconcile/run-reconciliation.ts`) and
 * what an `open` run left to the full run (closed decrees not read, payment lines not judged).
 * Runs recorded before scopes existed were full runs and have neither.
 */
const StoredRunSchema = /* @__PURE__ */ lazySchema(() =>
  ReconciliationRunSchema.extend({
    scope: z.enum(['open', 'all']).optional(),
    skipped: z.object({ closedDecrees: z.number().int(), paymentLines: z.number().int() }).optional(),
  }),
);
export type StoredRun = z.infer<typeof StoredRunSchema>;

/** What a finished attempt records. */
export type RunResults = Partial<Omit<StoredRun, 'runId' | 'trigger'>>;

/** Reconciliation runs: requested (QUEUED), claimed by a worker attempt (RUNNING), then finished. */
export class ReconciliationsRepository {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async get(runId: string): Promise<StoredRun | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: reconciliationKey(runId), ConsistentRead: true }),
    );
    return out.Item ? StoredRunSchema.parse(out.Item) : undefined;
  }

  /** The newest runs first. */
  async list(limit = 50): Promise<ReconciliationRun[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': RECONCILIATIONS_INDEX_KEY },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ReconciliationRunSchema.parse(item));
  }

  /** Records a requested run; false if a run with this id exists already (a repeated request). */
  async request(run: ReconciliationRun): Promise<boolean> {
    try {
      await this.client.send(new PutCommand(this.runPut(run)));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Records a requested run and, in the same transaction, its message to the reconciliation queue
   * (an outbox item the relay sends): a run is never left QUEUED with no message to start it.
   */
  async requestAndHandOff(run: ReconciliationRun, message: ReconciliationRequested): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: this.runPut(run) },
          handoffItem(this.tableName, { queue: 'reconciliation', message }, run.requestedAt),
        ],
      }),
    );
  }

  private runPut(run: ReconciliationRun) {
    return {
      TableName: this.tableName,
      Item: {
        ...reconciliationKey(run.runId),
        gsi1pk: RECONCILIATIONS_INDEX_KEY,
        gsi1sk: `${run.requestedAt}#${run.runId}`,
        ...run,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
  }

  /**
   * Claims the run for one attempt: QUEUED, RUNNING (an earlier attempt that crashed or timed out) or
   * FAILED (an earlier attempt that threw; SQS retries it) becomes RUNNING with the next attempt
   * number. Undefined when the run is already COMPLETED.
   */
  async claim(runId: string, now: string): Promise<number | undefined> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reconciliationKey(runId),
          UpdateExpression: 'SET #status = :running, startedAt = :now REMOVE #error ADD attempt :one',
          ConditionExpression: 'attribute_exists(pk) AND #status IN (:queued, :running, :failed)',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':running': 'RUNNING',
            ':queued': 'QUEUED',
            ':failed': 'FAILED',
            ':now': now,
            ':one': 1,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.attempt);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Finishes the run with its results, only if this attempt still holds it (a later attempt of the
   * same run computes the same results from the same inputs and finishes it instead). False when
   * another attempt took over.
   */
  async finish(runId: string, attempt: number, fields: RunResults): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':running': 'RUNNING', ':attempt': attempt };
    const sets = Object.entries(fields).map(([field, value], index) => {
      names[`#f${index}`] = field;
      values[`:f${index}`] = value;
      return `#f${index} = :f${index}`;
    });
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reconciliationKey(runId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#status = :running AND attempt = :attempt',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
