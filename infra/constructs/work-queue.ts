import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '#shared/resources.ts';
import { notify, queueNotEmptyAlarm } from './alarms.ts';

export interface WorkQueueProps {
  /** The queue's spec in `shared/resources.ts`; its `deadLetter` gives the redrive's maxReceiveCount. */
  readonly spec: QueueSpec & { readonly deadLetter: NonNullable<QueueSpec['deadLetter']> };
  /** At least six times the consumer's timeout (`VISIBILITY_TIMEOUT_FACTOR` in `infra/workers.ts`). */
  readonly visibilityTimeout: Duration;
  /**
   * How long a message may wait for its consumer.
   * @default Duration.days(4) (the SQS default)
   */
  readonly retentionPeriod?: Duration;
  /**
   * How long a dead message is kept for inspection and redrive. Longer than the queue's own
   * retention: SQS counts a standard queue's message age from its first enqueue, DLQ included.
   * @default Duration.days(14) (the SQS maximum)
   */
  readonly deadLetterRetentionPeriod?: Duration;
  /** What the dead-letter alarm says when it fires. */
  readonly deadLetterAlarmDescription: string;
  /**
   * Alarm when the oldest message on the queue is older than this: the consumer is stuck, missing
   * or far behind. Messages older than the retention period are deleted unseen, so this must fire
   * well before that.
   * @default - no such alarm
   */
  readonly maxMessageAge?: Duration;
  /**
   * Where the alarm notifies.
   * @default - no action; the alarm is visible in CloudWatch only
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * A work queue with its dead-letter queue: both encrypted (SQS-managed SSE) and TLS-only; a message
 * received `maxReceiveCount` times without being deleted moves to the DLQ, and any message there
 * sets off an alarm. The consumer (an event source) is the caller's business.
 */
export class WorkQueue extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;
  /** Present when `maxMessageAge` was given. */
  public readonly messageAgeAlarm?: Alarm;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetentionPeriod ?? Duration.days(14),
    });
    // No cdk-nag SQS3 acknowledgement needed: the rule accepts a queue that is another's DLQ.

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.spec.deadLetter.maxReceiveCount,
      },
    });

    this.deadLetterAlarm = queueNotEmptyAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      props.deadLetterAlarmDescription,
      props.alarmAction,
    );

    if (props.maxMessageAge) {
      this.messageAgeAlarm = new Alarm(this, 'MessageAgeAlarm', {
        alarmDescription: `A message has waited on this queue for more than ${props.maxMessageAge.toHumanString()}: its consumer is stuck, missing or behind.`,
        metric: this.queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: Stats.MAXIMUM,
        }),
        threshold: props.maxMessageAge.toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      notify(this.messageAgeAlarm, props.alarmAction);
    }
  }
}

/** A spec with a dead-letter queue, or an error naming the spec that lacks one. */
export function withDeadLetter(spec: QueueSpec): WorkQueueProps['spec'] {
  const { deadLetter } = spec;
  if (deadLetter === undefined) throw new Error(`Queue ${spec.id} has no deadLetter in shared/resources.ts`);
  return { ...spec, deadLetter };
}
