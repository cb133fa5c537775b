import { Duration } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUES } from '#shared/resources.ts';
import { CHECKS_FUNCTION } from '../../functions/api/routes.ts';
import { CHECKS_WORKER, VISIBILITY_TIMEOUT_FACTOR } from '../workers.ts';
import { functionErrorsAlarm } from './alarms.ts';
import { grantTableAccess } from './data-grants.ts';
import { ProjectFunction } from './project-function.ts';
import { WorkQueue, withDeadLetter } from './work-queue.ts';

export interface ChecksWorkerProps {
  readonly table: ITable;
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /**
   * Time one run may take (one proposal's list against every other region's).
   * @default Duration.seconds(CHECKS_WORKER.timeoutSeconds) (5 minutes)
   */
  readonly timeout?: Duration;
  /** @default CHECKS_WORKER.memoryMb (1024) */
  readonly memorySize?: number;
  /** Runs at once, 2–1000 (the event source's MaximumConcurrency). @default CHECKS_WORKER.maxConcurrency */
  readonly maxConcurrency?: number;
  /**
   * Where the alarms notify.
   * @default - no action
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * The automatic checks: the checks queue (with its DLQ) feeding `CHECKS_FUNCTION` through an SQS
 * event source, one proposal per invocation, with partial batch responses so that only a failed
 * record is retried and a poison message ends in the DLQ after `maxReceiveCount` receives. The
 * worker reads and writes the table (flags, proposal state, and the re-check requests for other
 * regions' lists, as outbox items the relay sends); nothing else. Alarms: function errors, any message in the DLQ.
 */
export class ChecksWorker extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly function: ProjectFunction;
  public readonly errorsAlarm: Alarm;
  public readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ChecksWorkerProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(CHECKS_WORKER.timeoutSeconds);

    const work = new WorkQueue(this, QUEUES.checks.id, {
      spec: withDeadLetter(QUEUES.checks),
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      // A submitted list should be checked within minutes; an hour means the worker is not keeping up.
      maxMessageAge: Duration.hours(1),
      deadLetterAlarmDescription:
        'A checks request failed on every retry and waits in the checks DLQ: that list has no checks result. ' +
        'Fix the cause, then redrive the message.',
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;
    this.deadLetterAlarm = work.deadLetterAlarm;

    this.function = new ProjectFunction(this, CHECKS_FUNCTION.id, {
      entry: CHECKS_FUNCTION.entry,
      description: 'Runs the automatic checks of a submitted list (SQS, partial batch responses)',
      timeout,
      memorySize: props.memorySize ?? CHECKS_WORKER.memoryMb,
      environment: props.environment,
    });
    grantTableAccess(this.function, props.table, 'readwrite');
    // Binding the event source grants ReceiveMessage, DeleteMessage, ChangeMessageVisibility and
    // GetQueueAttributes on this queue.
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: CHECKS_WORKER.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? CHECKS_WORKER.maxConcurrency,
      }),
    );

    this.errorsAlarm = functionErrorsAlarm(
      this,
      this.function,
      'The checks worker threw or timed out (its message is retried, then moved to the DLQ).',
      props.alarmAction,
    );
  }
}
