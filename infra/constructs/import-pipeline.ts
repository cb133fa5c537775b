import { Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PREFIXES, QUEUES } from '#shared/resources.ts';
import { DISBURSEMENT_FUNCTION, IMPORT_FUNCTION } from '../../functions/api/routes.ts';
import { functionErrorsAlarm, queueNotEmptyAlarm } from './alarms.ts';
import { type DataResources, grantPutPrefix, grantReadPrefix, grantTableAccess } from './data-grants.ts';
import { ProjectFunction } from './project-function.ts';

/** Import limits, passed to the function as environment variables (see `shared/config/env.ts`). */
export interface ImportLimits {
  /** @default the function's own default (`MAX_FILE_BYTES`) */
  readonly maxFileBytes?: number;
  /** @default the function's own default (`MAX_ROWS`) */
  readonly maxRows?: number;
  /** @default the function's own default (`XLSX_MAX_UNCOMPRESSED_BYTES`) */
  readonly xlsxMaxUncompressedBytes?: number;
  /** @default the function's own default (`XLSX_MAX_RATIO`) */
  readonly xlsxMaxRatio?: number;
}

export interface ImportPipelineProps extends DataResources {
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /**
   * Limits that override the function's defaults.
   * @default - none: the defaults in code apply
   */
  readonly limits?: ImportLimits;
  /**
   * Memory of the import function; also buys CPU for parsing XLSX.
   * @default 2048
   */
  readonly memorySize?: number;
  /**
   * Time one file may take: the largest region's list, with retries of throttled writes.
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
  /**
   * /tmp space: an XLSX file is spooled there before it is unzipped and read.
   * @default Size.gibibytes(2)
   */
  readonly ephemeralStorageSize?: Size;
  /**
   * Where the alarms notify (an SNS topic action, for instance).
   * @default - no action; the alarms are visible in CloudWatch only
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * The imports: a file created under `uploads/` invokes the recipient import, one under
 * `disbursements/` the bank report import, both asynchronously; Lambda retries twice, then parks the
 * event in the (shared) failure queue. Alarms: each function's errors, and any message waiting in
 * the failure queue.
 */
export class ImportPipeline extends Construct {
  public readonly function: ProjectFunction;
  /** The bank disbursement report import (`DISBURSEMENT_FUNCTION`). */
  public readonly bankReportFunction: ProjectFunction;
  public readonly bankReportErrorsAlarm: Alarm;
  public readonly failureQueue: Queue;
  public readonly errorsAlarm: Alarm;
  public readonly failuresAlarm: Alarm;
  /**
   * The uploads bucket as this stack subscribes to it: other imports triggered by a prefix of it
   * (`./family-pipeline.ts`) add their notifications here, so the bucket keeps one notification
   * resource, written in one piece, rather than two that would each rewrite the bucket's configuration.
   */
  public readonly uploadsEvents: IBucket;

  constructor(scope: Construct, id: string, props: ImportPipelineProps) {
    super(scope, id);

    this.failureQueue = new Queue(this, QUEUES.importFailures.id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead end: the S3-triggered imports' on-failure destination, holding S3 events that " +
        'failed after Lambda retries, watched by an alarm and replayed by hand. A DLQ behind it would add nothing.',
    });

    this.function = new ProjectFunction(this, IMPORT_FUNCTION.id, {
      entry: IMPORT_FUNCTION.entry,
      description: 'Imports a recipient file created under uploads/',
      memorySize: props.memorySize ?? 2048,
      timeout: props.timeout ?? Duration.minutes(15),
      ephemeralStorageSize: props.ephemeralStorageSize ?? Size.gibibytes(2),
      environment: { ...props.environment, ...limitsEnvironment(props.limits) },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failureQueue),
    });
    grantTableAccess(this.function, props.table, 'readwrite');
    // The regions' recipient files only: never the bank's reports under disbursements/.
    grantReadPrefix(this.function, props.uploadsBucket, PREFIXES.uploads, 'the uploaded recipient files');
    grantPutPrefix(
      this.function,
      props.documentsBucket,
      PREFIXES.errorReports,
      'one error report per upload, keyed by region, period and uploadId',
    );

    // The bucket lives in the stateful stack. Subscribing through a reference made here puts the
    // notification resource in this stack; subscribing on the Bucket itself would make the
    // stateful stack depend on this function, a cycle between the two stacks.
    const source = Bucket.fromBucketAttributes(this, 'UploadsEventSource', {
      bucketArn: props.uploadsBucket.bucketArn,
      bucketName: props.uploadsBucket.bucketName,
    });
    source.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.function), {
      prefix: PREFIXES.uploads,
    });
    this.uploadsEvents = source;

    this.bankReportFunction = new ProjectFunction(this, DISBURSEMENT_FUNCTION.id, {
      entry: DISBURSEMENT_FUNCTION.entry,
      description: 'Imports a bank disbursement report created under disbursements/',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: props.environment,
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failureQueue),
    });
    grantTableAccess(this.bankReportFunction, props.table, 'readwrite');
    grantReadPrefix(
      this.bankReportFunction,
      props.uploadsBucket,
      PREFIXES.disbursements,
      'the bank disbursement reports',
    );
    grantPutPrefix(
      this.bankReportFunction,
      props.documentsBucket,
      PREFIXES.bankReportErrors,
      'one error report per bank report, keyed by its date and name',
    );
    source.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.bankReportFunction), {
      prefix: PREFIXES.disbursements,
    });
    acknowledgeNotificationsHandler(Stack.of(this));

    this.errorsAlarm = functionErrorsAlarm(
      this,
      this.function,
      'The import function failed on at least one file (Lambda retries it twice).',
      props.alarmAction,
    );
    this.bankReportErrorsAlarm = functionErrorsAlarm(
      this,
      this.bankReportFunction,
      'The bank report import failed on at least one report (Lambda retries it twice).',
      props.alarmAction,
      'BankReportErrorsAlarm',
    );
    this.failuresAlarm = queueNotEmptyAlarm(
      this,
      'FailureQueueAlarm',
      this.failureQueue,
      'An upload, a bank report or a family programme file could not be imported after all retries; its S3 event waits in the failure queue.',
      props.alarmAction,
    );
  }
}

/** The limits as the environment variables `shared/config/env.ts` reads (none: the defaults in code). */
export function limitsEnvironment(limits: ImportLimits = {}): Record<string, string> {
  const env: Record<string, string> = {};
  if (limits.maxFileBytes !== undefined) env.MAX_FILE_BYTES = String(limits.maxFileBytes);
  if (limits.maxRows !== undefined) env.MAX_ROWS = String(limits.maxRows);
  if (limits.xlsxMaxUncompressedBytes !== undefined) {
    env.XLSX_MAX_UNCOMPRESSED_BYTES = String(limits.xlsxMaxUncompressedBytes);
  }
  if (limits.xlsxMaxRatio !== undefined) env.XLSX_MAX_RATIO = String(limits.xlsxMaxRatio);
  return env;
}

/**
 * CDK's BucketNotificationsHandler is a singleton Lambda that CDK writes (not this project) to set
 * the bucket's notification configuration during deployment. Its S3 permissions are already scoped
 * to the bucket; only its managed logging policy is flagged.
 */
export function acknowledgeNotificationsHandler(stack: Stack): void {
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    Validations.of(child).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's own BucketNotificationsHandler (a deploy-time custom resource) uses the basic execution role for " +
        'its logs; its role is created by CDK and cannot be replaced without forking the construct.',
    });
  }
}
