import { Duration } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PREFIXES, QUEUES } from '#shared/resources.ts';
import { RECONCILE_FUNCTION } from '../../functions/api/routes.ts';
import { RECONCILE_WORKER, VISIBILITY_TIMEOUT_FACTOR } from '../workers.ts';
import { functionErrorsAlarm } from './alarms.ts';
import { grantPutPrefix, grantTableAccess } from './data-grants.ts';
import { ProjectFunction } from './project-function.ts';
import { WorkQueue, withDeadLetter } from './work-queue.ts';

export interface ReconciliationPipelineProps {
  readonly table: ITable;
  readonly documentsBucket: IBucket;
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /**
   * When the daily run starts.
   * @default 01:00 WIB (18:00 UTC), after the bank's end-of-day reports
   */
  readonly schedule?: Schedule;
  /**
   * Where the alarms notify.
   * @default - no action
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * Reconciliation: a daily EventBridge rule and `POST /reconciliations` put a
 * `reconciliation.requested` message on the reconciliation queue; `RECONCILE_FUNCTION` runs it
 * (one run per invocation, DLQ after retries). The job reads everything and writes little: run
 * records, DISBURSED transitions, its report under `reports/reconciliations/`. It reads no file and
 * sends nothing: what is stuck or lost in the pipeline is the watchdog's (`./watchdog.ts`).
 */
export class ReconciliationPipeline extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;
  public readonly function: ProjectFunction;
  public readonly errorsAlarm: Alarm;
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ReconciliationPipelineProps) {
    super(scope, id);
    const work = new WorkQueue(this, QUEUES.reconciliation.id, {
      spec: withDeadLetter(QUEUES.reconciliation),
      visibilityTimeout: Duration.seconds(RECONCILE_WORKER.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
      maxMessageAge: Duration.hours(6),
      deadLetterAlarmDescription:
        'A reconciliation run failed on every retry and waits in its DLQ: payments were not reconciled.',
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;
    this.deadLetterAlarm = work.deadLetterAlarm;

    this.function = new ProjectFunction(this, RECONCILE_FUNCTION.id, {
      entry: RECONCILE_FUNCTION.entry,
      description: 'Reconciles decrees in force with the bank reports',
      timeout: Duration.seconds(RECONCILE_WORKER.timeoutSeconds),
      memorySize: RECONCILE_WORKER.memoryMb,
      environment: props.environment,
    });
    grantTableAccess(this.function, props.table, 'readwrite');
    grantPutPrefix(
      this.function,
      props.documentsBucket,
      PREFIXES.reconciliationReports,
      'one CSV and one JSON report per run, keyed by runId',
    );
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: RECONCILE_WORKER.maxConcurrency,
      }),
    );

    this.rule = new Rule(this, 'Daily', {
      description: 'Daily reconciliation of decrees in force with the bank reports',
      schedule: props.schedule ?? Schedule.cron({ minute: '0', hour: '18' }),
      targets: [
        new SqsQueue(this.queue, {
          message: RuleTargetInput.fromObject({ type: 'reconciliation.requested', trigger: 'schedule' }),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });

    this.errorsAlarm = functionErrorsAlarm(
      this,
      this.function,
      'The reconciliation job threw or timed out (its run is retried, then moved to the DLQ).',
      props.alarmAction,
    );
  }
}
