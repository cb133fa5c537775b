import { Duration } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUES } from '#shared/resources.ts';
import { DECREE_FUNCTION } from '../../functions/api/routes.ts';
import { DECREE_WORKER, VISIBILITY_TIMEOUT_FACTOR } from '../workers.ts';
import { functionErrorsAlarm } from './alarms.ts';
import { grantDecreeStorage, grantTableAccess } from './data-grants.ts';
import { ProjectFunction } from './project-function.ts';
import { WorkQueue, withDeadLetter } from './work-queue.ts';

/**
 * The shell command that copies the decree renderer's fonts next to the bundle's `index.mjs`, where
 * `new URL('./fonts/', import.meta.url)` finds them (portable: Node, not `cp`).
 */
export const copyFontsCommand = (inputDir: string, outputDir: string): string =>
  `node -e "require('node:fs').cpSync(process.argv[1], process.argv[2], { recursive: true })" ` +
  `"${inputDir}/functions/decree/fonts" "${outputDir}/fonts"`;

export interface DecreePipelineProps {
  readonly table: ITable;
  /** The documents bucket (versioned, Object Lock enabled): decrees go under `PREFIXES.decrees`. */
  readonly documentsBucket: IBucket;
  /** Names of the table and buckets, keyed by the env var names in `shared/resources.ts`. */
  readonly environment: Record<string, string>;
  /**
   * Decree settings (`shared/config/decree.ts`): `DECREE_VERIFY_BASE_URL`, signer, number pattern,
   * retention…; anything not given takes its default there.
   * @default {}
   */
  readonly settings?: Record<string, string>;
  /**
   * Where the alarms notify.
   * @default - no action
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * The decree (SK Gubernur): an approved proposal is handed off on the decree queue
 * (`DecreeRequested`, schema in `events/decree-requested.schema.json`) to `DECREE_FUNCTION`, which
 * numbers the decree, renders its PDF and stores it once under Object Lock retention. One message
 * per invocation, partial batch responses, DLQ after `maxReceiveCount`; a redelivery finishes or
 * returns the same decree. Alarms: function errors, any message in the DLQ, a request waiting
 * longer than a day.
 */
export class DecreePipeline extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly deadLetterAlarm: Alarm;
  public readonly function: ProjectFunction;
  public readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DecreePipelineProps) {
    super(scope, id);
    const work = new WorkQueue(this, QUEUES.decree.id, {
      spec: withDeadLetter(QUEUES.decree),
      visibilityTimeout: Duration.seconds(DECREE_WORKER.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
      // An approval must not be lost while the worker is down or failing: keep requests as long as
      // SQS allows, and say so long before the retention period could drop one.
      retentionPeriod: Duration.days(14),
      maxMessageAge: Duration.days(1),
      deadLetterAlarmDescription:
        'A decree request failed on every retry and waits in the decree DLQ: an approved proposal has no SK yet. ' +
        'Fix the cause, then redrive the message (the worker finishes the same decree, with the same number).',
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;
    this.deadLetterAlarm = work.deadLetterAlarm;

    this.function = new ProjectFunction(this, DECREE_FUNCTION.id, {
      entry: DECREE_FUNCTION.entry,
      description: 'Numbers, renders and stores the SK Gubernur of an approved proposal (SQS)',
      timeout: Duration.seconds(DECREE_WORKER.timeoutSeconds),
      memorySize: DECREE_WORKER.memoryMb,
      environment: { ...props.environment, ...props.settings },
      bundling: {
        // The renderer embeds its TTFs from `./fonts/` beside the module: beside index.mjs in the bundle.
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [copyFontsCommand(inputDir, outputDir)],
        },
      },
    });
    grantTableAccess(this.function, props.table, 'readwrite');
    grantDecreeStorage(this.function, props.documentsBucket);
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: DECREE_WORKER.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: DECREE_WORKER.maxConcurrency,
      }),
    );
    this.errorsAlarm = functionErrorsAlarm(
      this,
      this.function,
      'The decree worker threw or timed out (its request is retried, then moved to the DLQ).',
      props.alarmAction,
    );
  }
}
