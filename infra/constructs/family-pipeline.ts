import { Duration, Size, Stack } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PREFIXES, QUEUES } from '#shared/resources.ts';
import { FAMILIES_FUNCTION, FAMILY_IMPORT_FUNCTION } from '../../functions/api/routes.ts';
import { FAMILIES_WORKER, VISIBILITY_TIMEOUT_FACTOR } from '../workers.ts';
import { functionErrorsAlarm } from './alarms.ts';
import { type DataResources, grantPutPrefix, grantReadPrefix, grantTableAccess } from './data-grants.ts';
import { acknowledgeNotificationsHandler, type ImportLimits, limitsEnvironment } from './import-pipeline.ts';
import { ProjectFunction } from './project-function.ts';
import { WorkQueue, withDeadLetter } from './work-queue.ts';

export interface FamilyPipelineProps extends DataResources {
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /**
   * The uploads bucket as the stack subscribes to it (`ImportPipeline.uploadsEvents`): one
   * notification resource for the bucket, whatever the number of prefixes that trigger an import.
   */
  readonly uploadsEvents: IBucket;
  /**
   * Where a file's S3 event goes after Lambda's retries: the BKK imports' failure queue, so that one
   * queue (and its alarm) holds every file that could not be imported.
   */
  readonly failureQueue: IQueue;
  /**
   * Limits that override the import's defaults (the same as the BKK upload import's).
   * @default - none: the defaults in code apply
   */
  readonly limits?: ImportLimits;
  /**
   * Where the alarms notify.
   * @default - no action
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * The family programme: a file created under `imports/` in the uploads bucket (a DTSEN families or
 * members file, an exclusion list) invokes `FAMILY_IMPORT_FUNCTION` asynchronously, shaped as the BKK
 * upload import (retried twice, then its event parked in the shared import failure queue). When both
 * files of a DTSEN snapshot are in, the import's closing transaction writes an outbox item, which
 * the relay sends to the families queue; `FAMILIES_FUNCTION` runs those jobs (a snapshot's
 * cross-check, later eligibility runs) one per invocation, DLQ after retries. Alarms: each
 * function's errors, any message in the DLQ (and the failure queue's, in `./import-pipeline.ts`).
 */
export class FamilyPipeline extends Construct {
  /** The family file import (`FAMILY_IMPORT_FUNCTION`). */
  public readonly importFunction: ProjectFunction;
  public readonly importErrorsAlarm: Alarm;
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;
  /** The family jobs worker (`FAMILIES_FUNCTION`). */
  public readonly function: ProjectFunction;
  public readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: FamilyPipelineProps) {
    super(scope, id);

    this.importFunction = new ProjectFunction(this, FAMILY_IMPORT_FUNCTION.id, {
      entry: FAMILY_IMPORT_FUNCTION.entry,
      description: 'Imports a family programme file (DTSEN extract, exclusion list) created under imports/',
      // As the BKK upload import: a province-sized DTSEN file, XLSX spooled to /tmp and unzipped.
      memorySize: 2048,
      timeout: Duration.minutes(15),
      ephemeralStorageSize: Size.gibibytes(2),
      environment: { ...props.environment, ...limitsEnvironment(props.limits) },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(props.failureQueue),
    });
    // Rows, import records, snapshots and exclusion lists, and the outbox item of a snapshot's check.
    grantTableAccess(this.importFunction, props.table, 'readwrite');
    // The family programme's files only: never the regions' recipient files or the bank's reports.
    grantReadPrefix(this.importFunction, props.uploadsBucket, PREFIXES.imports, 'the family programme files');
    grantPutPrefix(
      this.importFunction,
      props.documentsBucket,
      PREFIXES.importReports,
      'one error report per family file, keyed by importId',
    );
    props.uploadsEvents.addEventNotification(
      EventType.OBJECT_CREATED,
      new LambdaDestination(this.importFunction),
      { prefix: PREFIXES.imports },
    );
    acknowledgeNotificationsHandler(Stack.of(this));

    const work = new WorkQueue(this, QUEUES.families.id, {
      spec: withDeadLetter(QUEUES.families),
      visibilityTimeout: Duration.seconds(FAMILIES_WORKER.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
      // A snapshot's check should start within minutes; six hours means the worker is stuck or missing.
      maxMessageAge: Duration.hours(6),
      deadLetterAlarmDescription:
        'A family job (a DTSEN snapshot check, an eligibility run, a payment instruction file...) failed on ' +
        'every retry and waits in the families DLQ: its type is in the message. Fix the cause, then redrive ' +
        'the message (README "On call": the payment instruction job has a runbook of its own).',
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;
    this.deadLetterAlarm = work.deadLetterAlarm;

    this.function = new ProjectFunction(this, FAMILIES_FUNCTION.id, {
      entry: FAMILIES_FUNCTION.entry,
      description:
        "Runs the family programme's jobs: snapshot cross-checks, eligibility (SQS, partial batch responses)",
      timeout: Duration.seconds(FAMILIES_WORKER.timeoutSeconds),
      memorySize: FAMILIES_WORKER.memoryMb,
      environment: props.environment,
    });
    grantTableAccess(this.function, props.table, 'readwrite');
    grantPutPrefix(
      this.function,
      props.documentsBucket,
      PREFIXES.snapshotReports,
      "one cross-check report per snapshot's pair of files, keyed by region, version date and import ids",
    );
    grantPutPrefix(
      this.function,
      props.documentsBucket,
      PREFIXES.bankFiles,
      "Bank Kalteng's files (account-opening requests, payment instructions), keyed by tahap, region and request or file id",
    );
    grantPutPrefix(
      this.function,
      props.documentsBucket,
      PREFIXES.bulogFiles,
      "BULOG's distribution lists, one per desa (titik bagi), keyed by tahap, region and desa",
    );
    // Binding the event source grants ReceiveMessage, DeleteMessage, ChangeMessageVisibility and
    // GetQueueAttributes on this queue.
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: FAMILIES_WORKER.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: FAMILIES_WORKER.maxConcurrency,
      }),
    );

    this.importErrorsAlarm = functionErrorsAlarm(
      this,
      this.importFunction,
      'The family file import failed on at least one file (Lambda retries it twice).',
      props.alarmAction,
      'ImportErrorsAlarm',
    );
    this.errorsAlarm = functionErrorsAlarm(
      this,
      this.function,
      'The family jobs worker threw or timed out (its message is retried, then moved to the DLQ).',
      props.alarmAction,
    );
  }
}
