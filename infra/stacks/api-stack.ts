import { Annotations, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { PERSON_GROUPS } from '#shared/http/caller.ts';
import { BUCKETS, TABLES } from '#shared/resources.ts';
import { ROUTES } from '../../functions/api/routes.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { ApiDistribution } from '../constructs/api-distribution.ts';
import { ChecksWorker } from '../constructs/checks-worker.ts';
import { bucketOrigin, ConsoleHosting } from '../constructs/console-hosting.ts';
import type { DataResources } from '../constructs/data-grants.ts';
import { DecreePipeline } from '../constructs/decree-pipeline.ts';
import { FamilyPipeline } from '../constructs/family-pipeline.ts';
import { type ImportLimits, ImportPipeline } from '../constructs/import-pipeline.ts';
import { KhbsHttpApi } from '../constructs/khbs-http-api.ts';
import { Observability } from '../constructs/observability.ts';
import { OutboxRelay } from '../constructs/outbox-relay.ts';
import { ReconciliationPipeline } from '../constructs/reconciliation-pipeline.ts';
import { ServiceAlarms } from '../constructs/service-alarms.ts';
import { UserDirectory } from '../constructs/user-directory.ts';
import { Watchdog } from '../constructs/watchdog.ts';
import {
  type ConsoleSettings,
  consoleOrigin,
  DEFAULT_ALLOWED_ORIGINS,
  type EdgeSettings,
  type Throttle,
  type TracingMode,
} from '../settings.ts';

export interface KhbsApiStackProps extends StackProps, DataResources {
  /**
   * Origins a browser may call the API from (never `*`).
   * @default DEFAULT_ALLOWED_ORIGINS in `infra/settings.ts` (['http://localhost:5173'])
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Throttle of every route without its own.
   * @default DEFAULT_STAGE_THROTTLE in `infra/settings.ts`
   */
  readonly stageThrottle?: Throttle;
  /**
   * Throttle of each public route (`/health`, `/verify/{code}`).
   * @default DEFAULT_PUBLIC_ROUTE_THROTTLE in `infra/settings.ts`
   */
  readonly publicRouteThrottle?: Throttle;
  /**
   * Reserved concurrency: one number for every public route, or a number per route id.
   * @default - none
   */
  readonly reservedConcurrency?: number | Readonly<Record<string, number>>;
  /**
   * A CloudFront distribution with an AWS WAF web ACL in front of the API.
   * @default - none: clients call the API's own endpoint
   */
  readonly edge?: EdgeSettings;
  /**
   * The web console from S3 behind CloudFront, on one origin with the API (and its WAF), with
   * Cognito's hosted UI for sign-in. Replaces `edge`: give one or the other.
   * @default - none: no console in AWS
   */
  readonly console?: ConsoleSettings;
  /**
   * OAuth callback URLs of the web client (the console's own is added when `console` is given).
   * @default ['http://localhost:5173/auth/callback']
   */
  readonly authCallbackUrls?: string[];
  /**
   * OAuth sign-out URLs of the web client.
   * @default ['http://localhost:5173/']
   */
  readonly authLogoutUrls?: string[];
  /**
   * Import limits that override the defaults in code.
   * @default - the defaults in `shared/config/env.ts`
   */
  readonly importLimits?: ImportLimits;
  /**
   * Decree settings for the decree worker, as the `DECREE_*` variables of `shared/config/decree.ts`
   * (`cdk.json` context `khbs:decree`): above all `DECREE_VERIFY_BASE_URL`, the printed verification
   * address, which must be a lasting custom domain.
   * @default - the defaults in `shared/config/decree.ts`
   */
  readonly decreeSettings?: Record<string, string>;
  /**
   * Addresses subscribed by e-mail to the alarm topic, which every alarm of the stack notifies.
   * @default [] (the topic exists without subscribers)
   */
  readonly alarmEmails?: readonly string[];
  /**
   * Which functions are traced (`khbs:tracing`).
   * @default 'all'
   */
  readonly tracing?: TracingMode;
  /**
   * Holidays the complaint clock skips besides the fixed ones (`khbs:complaintHolidays`), each
   * `YYYY-MM-DD` or `--MM-DD`, checked (`complaintHolidays` in `infra/settings.ts`).
   * @default [] (the fixed national holidays only)
   */
  readonly complaintHolidays?: readonly string[];
}

/**
 * What can be replaced at will: the functions, the HTTP API (its routes in one nested stack per
 * area, `./routes-stack.ts`, to stay under CloudFormation's 500 resources), the import trigger, the checks worker
 * and its queue, the decree queue and worker, the reconciliation job, the family programme's file import and
 * jobs queue, the outbox relay, the user directory (itself RETAINed and deletion-protected,
 * because it holds the accounts), the alarms and their topic, and (opt-in) a CloudFront
 * distribution with AWS WAF. Receives the table and buckets from the stateful stack.
 */
export class KhbsApiStack extends Stack {
  /** Every alarm of this stack notifies this topic, when it fires and when it is OK again. */
  public readonly alarmTopic: AlarmTopic;
  public readonly serviceAlarms: ServiceAlarms;
  /** Dashboards per capability and the alarms on business metrics (README "On call"). */
  public readonly observability: Observability;
  /** Present when `edge` was given. */
  public readonly distribution?: ApiDistribution;
  /** Present when `console` was given. */
  public readonly console?: ConsoleHosting;
  public readonly directory: UserDirectory;
  public readonly httpApi: KhbsHttpApi;
  public readonly importPipeline: ImportPipeline;
  public readonly checks: ChecksWorker;
  public readonly decree: DecreePipeline;
  public readonly reconciliation: ReconciliationPipeline;
  public readonly families: FamilyPipeline;
  public readonly outboxRelay: OutboxRelay;
  public readonly watchdog: Watchdog;
  /** The pepper of the complaint rate limit's source hash, generated here and read by the route. */
  public readonly complaintRatePepper: Secret;

  constructor(scope: Construct, id: string, props: KhbsApiStackProps) {
    super(scope, id, props);

    const data: DataResources = {
      table: props.table,
      uploadsBucket: props.uploadsBucket,
      documentsBucket: props.documentsBucket,
    };
    // Every function learns the deployed names under the variables `shared/config/env.ts` reads.
    const environment = {
      [TABLES.main.envVar]: props.table.tableName,
      [BUCKETS.uploads.envVar]: props.uploadsBucket.bucketName,
      [BUCKETS.documents.envVar]: props.documentsBucket.bucketName,
    };

    this.alarmTopic = new AlarmTopic(this, 'Alarms', { emails: props.alarmEmails ?? [] });
    const alarms = { alarmAction: this.alarmTopic.action };

    if (props.edge && props.console) {
      throw new Error(
        'khbs:console serves the API too, behind its own web ACL: remove webAclArn, cloudFrontDomainName and ' +
          'cloudFrontCertificateArn from khbs:security (one distribution, one origin)',
      );
    }
    const consoleUrl = props.console ? consoleOrigin(props.console) : undefined;
    // The console signs in at Cognito's hosted UI and comes back to `/auth/callback` (`web/src/auth.ts`).
    const callbackUrls = [
      ...(props.authCallbackUrls ?? ['http://localhost:5173/auth/callback']),
      ...(consoleUrl ? [`${consoleUrl}/auth/callback`] : []),
    ];
    const logoutUrls = [
      ...(props.authLogoutUrls ?? ['http://localhost:5173/']),
      ...(consoleUrl ? [`${consoleUrl}/`] : []),
    ];
    this.directory = new UserDirectory(this, 'Users', {
      groups: PERSON_GROUPS,
      callbackUrls: [...new Set(callbackUrls)],
      logoutUrls: [...new Set(logoutUrls)],
      ...(props.console ? { hostedUiDomainPrefix: props.console.cognitoDomainPrefix } : {}),
      ...alarms,
    });

    this.checks = new ChecksWorker(this, 'Checks', { table: props.table, environment, ...alarms });
    this.decree = new DecreePipeline(this, 'Decree', {
      table: props.table,
      documentsBucket: props.documentsBucket,
      environment,
      ...(props.decreeSettings ? { settings: props.decreeSettings } : {}),
      ...alarms,
    });

    this.importPipeline = new ImportPipeline(this, 'Import', {
      ...data,
      environment,
      ...(props.importLimits ? { limits: props.importLimits } : {}),
      ...alarms,
    });

    // The family programme's files share the uploads bucket's notification and the failure queue.
    this.families = new FamilyPipeline(this, 'Families', {
      ...data,
      environment,
      uploadsEvents: this.importPipeline.uploadsEvents,
      failureQueue: this.importPipeline.failureQueue,
      ...(props.importLimits ? { limits: props.importLimits } : {}),
      ...alarms,
    });

    this.reconciliation = new ReconciliationPipeline(this, 'Reconciliation', {
      ...data,
      environment,
      ...alarms,
    });
    this.watchdog = new Watchdog(this, 'Watchdog', {
      ...data,
      environment,
      importFunction: this.importPipeline.function,
      familyImportFunction: this.families.importFunction,
      bankReportFunction: this.importPipeline.bankReportFunction,
      ...alarms,
    });

    // The only function that sends to the work queues: hand-offs are written with their state change.
    this.outboxRelay = new OutboxRelay(this, 'Outbox', {
      table: props.table,
      environment,
      queues: {
        checks: this.checks.queue,
        decree: this.decree.queue,
        reconciliation: this.reconciliation.queue,
        families: this.families.queue,
      },
      ...alarms,
    });

    // Generated by Secrets Manager at the first deploy, never in the template or a variable's value:
    // the route reads it once per container (`shared/adapters/secrets.ts`).
    this.complaintRatePepper = new Secret(this, 'ComplaintRatePepper', {
      description:
        'KHBS: pepper of the complaint rate limit source hash (POST /complaints); replacing it only restarts the current window',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.complaintRatePepper).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The pepper only keys the hash of a source address in rate-limit counters that live one window ' +
        '(an hour by default); nothing is encrypted with it. Replacing it (a new value in the console) ' +
        'restarts the counters and needs no rotation function.',
    });

    this.httpApi = new KhbsHttpApi(this, 'Http', {
      ...data,
      routes: ROUTES,
      routeSettings: {
        complaintHolidays: props.complaintHolidays ?? [],
        complaintRatePepper: this.complaintRatePepper,
      },
      tracedRoutes: (props.tracing ?? 'all') === 'all',
      environment,
      jwtIssuer: this.directory.issuerUrl,
      jwtAudience: this.directory.audience,
      ...(props.allowedOrigins || consoleUrl
        ? {
            allowedOrigins: [
              ...new Set([
                ...(props.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS),
                ...(consoleUrl ? [consoleUrl] : []),
              ]),
            ],
          }
        : {}),
      ...(props.stageThrottle ? { throttle: props.stageThrottle } : {}),
      ...(props.publicRouteThrottle ? { publicRouteThrottle: props.publicRouteThrottle } : {}),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrency: props.reservedConcurrency } : {}),
    });
    this.serviceAlarms = new ServiceAlarms(this, 'ServiceAlarms', { httpApi: this.httpApi, ...alarms });

    const route = (...ids: string[]) =>
      ids.flatMap((routeId) => {
        const fn = this.httpApi.functions.get(routeId);
        return fn ? [fn] : [];
      });
    this.observability = new Observability(this, 'Observability', {
      ...alarms,
      functions: {
        import: [this.importPipeline.function, ...route('CreateUpload', 'GetUpload')],
        workflow: [
          this.checks.function,
          this.outboxRelay.function,
          this.watchdog.function,
          ...route('SubmitProposal', 'ReviewProposal', 'WaiveFlag', 'DecideProposal'),
        ],
        decree: [this.decree.function, ...route('GetDecree', 'RevokeDecree', 'VerifyDecree')],
        reconciliation: [
          this.reconciliation.function,
          this.importPipeline.bankReportFunction,
          ...route('StartReconciliation', 'GetReconciliation'),
        ],
        families: [this.families.importFunction, this.families.function],
      },
      queues: {
        import: [this.importPipeline.failureQueue],
        workflow: [this.checks.queue, this.checks.deadLetterQueue],
        decree: [this.decree.queue, this.decree.deadLetterQueue],
        reconciliation: [this.reconciliation.queue, this.reconciliation.deadLetterQueue],
        families: [this.families.queue, this.families.deadLetterQueue],
      },
      alarms: {
        import: [this.importPipeline.errorsAlarm, this.importPipeline.failuresAlarm],
        workflow: [
          this.checks.errorsAlarm,
          this.checks.deadLetterAlarm,
          this.outboxRelay.errorsAlarm,
          this.watchdog.errorsAlarm,
        ],
        decree: [this.decree.errorsAlarm, this.decree.deadLetterAlarm],
        reconciliation: [
          this.reconciliation.errorsAlarm,
          this.reconciliation.deadLetterAlarm,
          this.importPipeline.bankReportErrorsAlarm,
        ],
        families: [this.families.importErrorsAlarm, this.families.errorsAlarm, this.families.deadLetterAlarm],
      },
    });

    if (props.edge) {
      this.distribution = new ApiDistribution(this, 'Edge', { ...props.edge, httpApi: this.httpApi.api });
      new CfnOutput(this, 'DistributionDomainName', {
        description: `CloudFront name to point ${props.edge.domainName} at (CNAME or alias)`,
        value: this.distribution.domainName,
      });
    }

    if (props.console) {
      const hostedUi = this.directory.hostedUiDomain;
      this.console = new ConsoleHosting(this, 'Console', {
        ...props.console,
        routes: ROUTES,
        httpApi: this.httpApi.api,
        config: {
          issuer: this.directory.issuerUrl,
          clientId: this.directory.client.userPoolClientId,
          scope: 'openid email profile',
          ...(hostedUi ? { logoutUrl: `${hostedUi.baseUrl()}/logout` } : {}),
        },
        connectOrigins: [
          // Discovery and keys (the issuer), the token endpoint (the hosted UI's domain), uploads.
          `https://cognito-idp.${this.region}.amazonaws.com`,
          ...(hostedUi ? [hostedUi.baseUrl()] : []),
          bucketOrigin(props.uploadsBucket),
        ],
      });
      new CfnOutput(this, 'ConsoleDistributionDomainName', {
        description: `CloudFront name to point ${props.console.domainName} at (CNAME or alias)`,
        value: this.console.domainName,
      });
      new CfnOutput(this, 'ConsoleUrl', { value: `${consoleUrl}/` });
      // The printed verification URL opens the console's page only if it names this origin.
      const verifyBase = props.decreeSettings?.DECREE_VERIFY_BASE_URL;
      if (verifyBase !== undefined && verifyBase.replace(/\/+$/, '') !== `${consoleUrl}/verify`) {
        Annotations.of(this.console).addWarningV2(
          'khbs:verify-url-elsewhere',
          `DECREE_VERIFY_BASE_URL is ${verifyBase}, not ${consoleUrl}/verify: decrees printed from now on ` +
            "would not open the console's verification page. Point that name at this distribution, or set " +
            'khbs:console.domainName to its host.',
        );
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn });
    new CfnOutput(this, 'UserPoolId', { value: this.directory.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.directory.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: props.table.tableName });
    new CfnOutput(this, 'UploadsBucketName', { value: props.uploadsBucket.bucketName });
    new CfnOutput(this, 'DocumentsBucketName', { value: props.documentsBucket.bucketName });
    new CfnOutput(this, 'ChecksQueueUrl', { value: this.checks.queue.queueUrl });
    new CfnOutput(this, 'ChecksDeadLetterQueueUrl', { value: this.checks.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DecreeQueueUrl', { value: this.decree.queue.queueUrl });
    new CfnOutput(this, 'DecreeDeadLetterQueueUrl', { value: this.decree.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ReconciliationQueueUrl', { value: this.reconciliation.queue.queueUrl });
    new CfnOutput(this, 'ReconciliationDeadLetterQueueUrl', {
      value: this.reconciliation.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'FamiliesQueueUrl', { value: this.families.queue.queueUrl });
    new CfnOutput(this, 'FamiliesDeadLetterQueueUrl', { value: this.families.deadLetterQueue.queueUrl });
  }
}
