import { Duration } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTBOX_KEY_PREFIX } from '#shared/adapters/keys.ts';
import type { HandoffQueue } from '#shared/messages.ts';
import { QUEUES } from '#shared/resources.ts';
import { RELAY_FUNCTION } from '../../functions/api/routes.ts';
import { RELAY_WORKER } from '../workers.ts';
import { functionErrorsAlarm } from './alarms.ts';
import { ProjectFunction } from './project-function.ts';

export interface OutboxRelayProps {
  /** The table whose stream carries the outbox items (it must have a NEW_IMAGE stream). */
  readonly table: ITable;
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /** The work queues the relay sends to: the only function that does. */
  readonly queues: Readonly<Record<HandoffQueue, IQueue>>;
  /**
   * Where the alarms notify.
   * @default - no action
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * The outbox relay (`RELAY_FUNCTION`): the table's stream, filtered to new outbox items, invokes it
 * within a second of each state change; an EventBridge schedule sweeps every
 * `RELAY_WORKER.sweepEveryMinutes` minutes for items still PENDING after
 * `RELAY_WORKER.sweepOlderThanSeconds` (a send that failed past the stream's retries, or a stream
 * record past its 24 hours).
 *
 * Why a Lambda rather than EventBridge Pipes (DynamoDB stream → SQS): a pipe has one target queue,
 * so three pipes with three filters; it cannot mark an item SENT, so the sweep could not tell sent
 * from lost; and it cannot run on the local stack. One small function does all three, with the same
 * handler everywhere.
 */
export class OutboxRelay extends Construct {
  public readonly function: ProjectFunction;
  public readonly errorsAlarm: Alarm;
  public readonly sweep: Rule;

  constructor(scope: Construct, id: string, props: OutboxRelayProps) {
    super(scope, id);
    const environment: Record<string, string> = { ...props.environment };
    for (const [name, queue] of Object.entries(props.queues) as [HandoffQueue, IQueue][]) {
      environment[QUEUES[name].envVar] = queue.queueUrl;
    }
    this.function = new ProjectFunction(this, RELAY_FUNCTION.id, {
      entry: RELAY_FUNCTION.entry,
      description: 'Sends outbox items (hand-offs written with their state change) to the work queues',
      timeout: Duration.seconds(RELAY_WORKER.timeoutSeconds),
      memorySize: RELAY_WORKER.memoryMb,
      environment,
    });
    for (const queue of Object.values(props.queues)) queue.grantSendMessages(this.function);

    // What it touches in the table: the index of PENDING items (the sweep) and its own items (marks).
    // Query on the one index, unconditioned: whether dynamodb:LeadingKeys is matched against an
    // index's partition key is not something to find out at deploy time. The relay only ever asks
    // for `gsi1pk = OUTBOX_PENDING_INDEX_KEY` (shared/adapters/outbox.ts).
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${props.table.tableArn}/index/gsi1`] }),
    );
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${OUTBOX_KEY_PREFIX}*`] } },
      }),
    );

    // Only inserts of outbox items reach the function (filtered by Lambda, not billed as invocations).
    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(0),
        retryAttempts: RELAY_WORKER.streamRetryAttempts,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { pk: { S: FilterRule.beginsWith(OUTBOX_KEY_PREFIX) } } },
          }),
        ],
      }),
    );

    this.sweep = new Rule(this, 'Sweep', {
      description: 'Sends outbox items the stream could not (still PENDING after a few minutes)',
      schedule: Schedule.rate(Duration.minutes(RELAY_WORKER.sweepEveryMinutes)),
      targets: [
        new LambdaFunction(this.function, {
          event: RuleTargetInput.fromObject({
            type: 'outbox.sweep',
            olderThanSeconds: RELAY_WORKER.sweepOlderThanSeconds,
          }),
          retryAttempts: 2,
        }),
      ],
    });

    this.errorsAlarm = functionErrorsAlarm(
      this,
      this.function,
      'The outbox relay threw: hand-offs (checks, decrees, reconciliation runs, family jobs) may wait PENDING until it recovers.',
      props.alarmAction,
    );
  }
}
