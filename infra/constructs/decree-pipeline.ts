import { Duration } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUES } from '#shared/resources.ts';
import { DECREE_WORKER, VISIBILITY_TIMEOUT_FACTOR } from '../workers.ts';
import { WorkQueue, withDeadLetter } from './work-queue.ts';

export interface DecreePipelineProps {
  /**
   * Where the alarm notifies.
   * @default - no action
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * The decree (SK Gubernur): an approved proposal is handed off on the decree queue
 * (`DecreeRequested`, schema in `events/decree-requested.schema.json`). The queue, its DLQ and the
 * DLQ alarm exist now so that approvals can be sent; the worker that consumes it comes with the
 * decree issue and belongs in this construct, whose visibility timeout is already sized for a
 * consumer of `DECREE_WORKER.timeoutSeconds`.
 */
export class DecreePipeline extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DecreePipelineProps = {}) {
    super(scope, id);
    const work = new WorkQueue(this, QUEUES.decree.id, {
      spec: withDeadLetter(QUEUES.decree),
      visibilityTimeout: Duration.seconds(DECREE_WORKER.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
      // Approvals may wait for the decree worker's first deployment: keep them as long as SQS allows,
      // and say so long before the retention period could drop one.
      retentionPeriod: Duration.days(14),
      maxMessageAge: Duration.days(1),
      deadLetterAlarmDescription:
        'A decree request failed on every retry and waits in the decree DLQ: an approved proposal has no SK yet.',
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;
    this.deadLetterAlarm = work.deadLetterAlarm;
  }
}
