import { Duration } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PREFIXES } from '#shared/resources.ts';
import { WATCHDOG_FUNCTION } from '../../functions/api/routes.ts';
import { acknowledgeWildcardUnder } from '../nag.ts';
import { WATCHDOG_JOB } from '../workers.ts';
import { functionErrorsAlarm } from './alarms.ts';
import { grantPutPrefix, grantTableAccess } from './data-grants.ts';
import { ProjectFunction } from './project-function.ts';

export interface WatchdogProps {
  readonly table: ITable;
  readonly uploadsBucket: IBucket;
  readonly documentsBucket: IBucket;
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /** The imports a lost S3 event is re-driven into. */
  readonly importFunction: IFunction;
  /** The family file import (`imports/`), re-driven like the other two. */
  readonly familyImportFunction: IFunction;
  readonly bankReportFunction: IFunction;
  /**
   * When it runs.
   * @default every `WATCHDOG_JOB.everyMinutes` (hourly; why in `infra/workers.ts`)
   */
  readonly schedule?: Schedule;
  /**
   * Where the errors alarm notifies.
   * @default - no action
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * The pipeline watchdog: an EventBridge schedule invokes `WATCHDOG_FUNCTION` directly (no queue: a
 * run is idempotent, and the next one repeats it anyway). It reads the table, lists the uploads
 * bucket's three import prefixes, hashes decree PDFs, re-drives lost S3 events into the three imports
 * and writes its report under `reports/watchdog/`. Nothing else: no table writes, no queue.
 */
export class Watchdog extends Construct {
  public readonly function: ProjectFunction;
  public readonly errorsAlarm: Alarm;
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: WatchdogProps) {
    super(scope, id);
    this.function = new ProjectFunction(this, WATCHDOG_FUNCTION.id, {
      entry: WATCHDOG_FUNCTION.entry,
      description: 'Pipeline watchdog: stuck proposals, lost S3 events (re-driven), decree PDF integrity',
      timeout: Duration.seconds(WATCHDOG_JOB.timeoutSeconds),
      memorySize: WATCHDOG_JOB.memoryMb,
      environment: {
        ...props.environment,
        IMPORT_FUNCTION_NAME: props.importFunction.functionName,
        DISBURSEMENT_FUNCTION_NAME: props.bankReportFunction.functionName,
        FAMILY_IMPORT_FUNCTION_NAME: props.familyImportFunction.functionName,
      },
    });
    grantTableAccess(this.function, props.table, 'read');
    // Lists the three import prefixes to find lost S3 events; reads no file (the imports do, when re-driven).
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.uploadsBucket.bucketArn],
        conditions: {
          StringLike: {
            's3:prefix': [`${PREFIXES.uploads}*`, `${PREFIXES.disbursements}*`, `${PREFIXES.imports}*`],
          },
        },
      }),
    );
    // Decree PDFs are hashed against the recorded SHA-256: read only, with ListBucket so that a
    // missing PDF answers 404, not 403 (a HeadObject carries no prefix to condition on).
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
      PREFIXES.watchdogReports,
      'one CSV and one JSON report per run, keyed by runId',
    );
    props.importFunction.grantInvoke(this.function);
    props.bankReportFunction.grantInvoke(this.function);
    props.familyImportFunction.grantInvoke(this.function);
    const role = this.function.role;
    if (!role) throw new Error('the watchdog function has no role');
    acknowledgeWildcardUnder(
      role,
      props.documentsBucket.bucketArn,
      `/${PREFIXES.decrees}*`,
      'Read-only: each open decree PDF is hashed against the SHA-256 recorded when it was issued (keys known at run time).',
    );
    for (const fn of [props.importFunction, props.bankReportFunction, props.familyImportFunction]) {
      acknowledgeWildcardUnder(
        role,
        fn.functionArn,
        ':*',
        'Function.grantInvoke covers the function and its versions/aliases (:*); only the three import functions, ' +
          'to re-drive an S3 event that never reached them.',
      );
    }

    this.rule = new Rule(this, 'Schedule', {
      description: 'Pipeline watchdog: stuck proposals, lost S3 events, decree PDF integrity',
      schedule: props.schedule ?? Schedule.rate(Duration.minutes(WATCHDOG_JOB.everyMinutes)),
      targets: [
        new LambdaFunction(this.function, {
          // An event older than the next run is not worth delivering: that run does the same work.
          maxEventAge: Duration.minutes(WATCHDOG_JOB.everyMinutes),
          retryAttempts: 2,
        }),
      ],
    });

    this.errorsAlarm = functionErrorsAlarm(
      this,
      this.function,
      'The pipeline watchdog threw or timed out: lost uploads are not re-driven and stuck work is not reported until a run succeeds.',
      props.alarmAction,
    );
  }
}
