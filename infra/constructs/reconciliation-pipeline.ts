import { Duration } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PREFIXES, QUEUES } from '#shared/resources.ts';
import { RECONCILE_FUNCTION } from '../../functions/api/routes.ts';
import { acknowledgeWildcardUnder } from '../nag.ts';
import { RECONCILE_WORKER, VISIBILITY_TIMEOUT_FACTOR } from '../workers.ts';
import { functionErrorsAlarm } from './alarms.ts';
import { grantPutPrefix, grantTableAccess } from './data-grants.ts';
import { ProjectFunction } from './project-function.ts';
import { WorkQueue, withDeadLetter } from './work-queue.ts';

export interface ReconciliationPipelineProps {
  readonly table: ITable;
  readonly uploadsBucket: IBucket;
  readonly documentsBucket: IBucket;
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /** The imports a lost S3 event is re-driven into. */
  readonly importFunction: IFunction;
  readonly bankReportFunction: IFunction;
  /** Where stuck proposals are re-driven: their checks, their decree. */
  readonly checksQueue: IQueue;
  readonly decreeQueue: IQueue;
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
 * records, DISBURSED transitions, its report under `reports/reconciliations/`; it re-drives lost
 * S3 events into the two imports and stuck proposals into the checks and decree queues.
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
      description: 'Reconciles decrees in force with the bank reports; finds what is stuck or lost',
      timeout: Duration.seconds(RECONCILE_WORKER.timeoutSeconds),
      memorySize: RECONCILE_WORKER.memoryMb,
      environment: {
        ...props.environment,
        IMPORT_FUNCTION_NAME: props.importFunction.functionName,
        DISBURSEMENT_FUNCTION_NAME: props.bankReportFunction.functionName,
        [QUEUES.checks.envVar]: props.checksQueue.queueUrl,
        [QUEUES.decree.envVar]: props.decreeQueue.queueUrl,
      },
    });
    grantTableAccess(this.function, props.table, 'readwrite');
    // Lists uploads and bank reports to find lost S3 events; reads no file (the imports do, when re-driven).
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.uploadsBucket.bucketArn] }),
    );
    // Decree PDFs are hashed against the recorded SHA-256 (read only, with ListBucket so a missing PDF is a 404).
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [props.documentsBucket.arnForObjects(`${PREFIXES.decrees}*`)],
      }),
    );
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.documentsBucket.bucketArn] }),
    );
    grantPutPrefix(
      this.function,
      props.documentsBucket,
      PREFIXES.reconciliationReports,
      'one CSV and one JSON report per run, keyed by runId',
    );
    props.importFunction.grantInvoke(this.function);
    props.bankReportFunction.grantInvoke(this.function);
    const role = this.function.role;
    if (!role) throw new Error('the reconciliation function has no role');
    acknowledgeWildcardUnder(
      role,
      props.documentsBucket.bucketArn,
      `/${PREFIXES.decrees}*`,
      'Read-only: every decree PDF is hashed against the SHA-256 recorded when it was issued (keys known at run time).',
    );
    for (const fn of [props.importFunction, props.bankReportFunction]) {
      acknowledgeWildcardUnder(
        role,
        fn.functionArn,
        ':*',
        'Function.grantInvoke covers the function and its versions/aliases (:*); only the two import functions, ' +
          'to re-drive an S3 event that never reached them.',
      );
    }
    props.checksQueue.grantSendMessages(this.function);
    props.decreeQueue.grantSendMessages(this.function);
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
