import { existsSync } from 'node:fs';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PERSON_GROUPS } from '#shared/http/caller.ts';
import { BUCKETS, PREFIXES, TABLES } from '#shared/resources.ts';
import {
  CHECKS_FUNCTION,
  DECREE_FUNCTION,
  DISBURSEMENT_FUNCTION,
  FAMILIES_FUNCTION,
  FAMILY_IMPORT_FUNCTION,
  IMPORT_FUNCTION,
  RECONCILE_FUNCTION,
  ROUTES,
  type RouteSpec,
  WATCHDOG_FUNCTION,
} from '../../functions/api/routes.ts';
import { repoPath } from '../../infra/paths.ts';
import { PRE_TOKEN_FUNCTION } from '../../infra/triggers.ts';
import {
  actionsOf,
  flatResource,
  getAttTarget,
  logicalIdOf,
  onlyResource,
  permissionsOf,
  propertiesOf,
  type Resources,
  resourcesOf,
  type Statement,
  SYNTH_TIMEOUT_MS,
  type SynthesizedApp,
  statefulLabels,
  statementsAllowing,
  synthKhbsApp,
} from './support/khbs-app.ts';

let app: SynthesizedApp;
let template: Template;
let labels: Record<string, string>;

beforeAll(() => {
  app = synthKhbsApp();
  template = app.apiTemplate;
  labels = statefulLabels(app);
}, SYNTH_TIMEOUT_MS);

const routeKey = (route: RouteSpec): string => `${route.method} ${route.path}`;

/** The console's app client (the machine clients have a secret and the client-credentials flow). */
const isWebClient = (properties: Record<string, unknown>): boolean => properties.GenerateSecret === false;

/** The logical id of the function behind a route, followed through route → integration → function. */
function functionOfRoute(route: RouteSpec): string {
  const [, props] = onlyResource(template, 'AWS::ApiGatewayV2::Route', (p) => p.RouteKey === routeKey(route));
  const target = JSON.stringify(props.Target);
  const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Resources;
  const integrationId = Object.keys(integrations).find((id) => target.includes(`"${id}"`));
  if (!integrationId) throw new Error(`No integration for ${routeKey(route)}`);
  return getAttTarget(integrations[integrationId]?.Properties?.IntegrationUri);
}

/** The recipient import (`IMPORT_FUNCTION`), triggered by `uploads/`. */
const importFunctionId = (): string => logicalIdOf(app.api.importPipeline.function);
/** The bank disbursement report import (`DISBURSEMENT_FUNCTION`), triggered by `disbursements/`. */
const bankReportFunctionId = (): string => logicalIdOf(app.api.importPipeline.bankReportFunction);
/** The family file import (`FAMILY_IMPORT_FUNCTION`), triggered by `imports/`. */
const familyImportFunctionId = (): string => logicalIdOf(app.api.families.importFunction);
/** The family jobs worker (`FAMILIES_FUNCTION`), on the families queue. */
const familiesFunctionId = (): string => logicalIdOf(app.api.families.function);
/** The reconciliation job (`RECONCILE_FUNCTION`). */
const reconcileFunctionId = (): string => logicalIdOf(app.api.reconciliation.function);
/** The pipeline watchdog (`WATCHDOG_FUNCTION`). */
const watchdogFunctionId = (): string => logicalIdOf(app.api.watchdog.function);
/** Every function of the project that is not behind a route. */
const backgroundFunctionIds = (): string[] => [
  importFunctionId(),
  bankReportFunctionId(),
  reconcileFunctionId(),
  watchdogFunctionId(),
  logicalIdOf(app.api.checks.function),
  logicalIdOf(app.api.decree.function),
  logicalIdOf(app.api.outboxRelay.function),
  familyImportFunctionId(),
  familiesFunctionId(),
];
/** The three S3-triggered imports, each with what makes it differ. */
const s3Imports = () =>
  [
    { name: IMPORT_FUNCTION.id, id: importFunctionId(), prefix: PREFIXES.uploads },
    { name: DISBURSEMENT_FUNCTION.id, id: bankReportFunctionId(), prefix: PREFIXES.disbursements },
    { name: FAMILY_IMPORT_FUNCTION.id, id: familyImportFunctionId(), prefix: PREFIXES.imports },
  ] as const;

function routeById(id: string): RouteSpec {
  const route = ROUTES.find((r) => r.id === id);
  if (!route) throw new Error(`No route ${id} in ROUTES`);
  return route;
}

/** Resources (as `<label>/suffix` strings) of every statement that allows `action`. */
function resourcesAllowed(statements: Statement[], action: string): string[] {
  return statementsAllowing(statements, action).flatMap((s) =>
    resourcesOf(s).map((r) => flatResource(r, labels)),
  );
}

describe('KhbsApi: one function per route', () => {
  it('has a route for every entry of ROUTES, each with its own function', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
    const functions = ROUTES.map(functionOfRoute);
    expect(new Set(functions).size).toBe(ROUTES.length);
  });

  it('names route keys the way routes.ts does, e.g. GET /uploads/{uploadId}', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Resources).map(
      (r) => r.Properties?.RouteKey,
    );
    expect(keys.sort()).toEqual(ROUTES.map(routeKey).sort());
    expect(keys).toContain('GET /uploads/{uploadId}');
  });

  it('points every route entry and every background function entry at a file that exists', () => {
    const background = [
      IMPORT_FUNCTION,
      DISBURSEMENT_FUNCTION,
      RECONCILE_FUNCTION,
      WATCHDOG_FUNCTION,
      CHECKS_FUNCTION,
      DECREE_FUNCTION,
      FAMILY_IMPORT_FUNCTION,
      FAMILIES_FUNCTION,
      PRE_TOKEN_FUNCTION,
    ];
    for (const entry of [...ROUTES.map((r) => r.entry), ...background.map((f) => f.entry)]) {
      expect(existsSync(repoPath(entry)), entry).toBe(true);
    }
    // The constructs are the ones routes.ts names (their ids are the function names' stems).
    expect(app.api.importPipeline.function.node.id).toBe(IMPORT_FUNCTION.id);
    expect(app.api.importPipeline.bankReportFunction.node.id).toBe(DISBURSEMENT_FUNCTION.id);
    expect(app.api.reconciliation.function.node.id).toBe(RECONCILE_FUNCTION.id);
    expect(app.api.watchdog.function.node.id).toBe(WATCHDOG_FUNCTION.id);
    expect(app.api.families.importFunction.node.id).toBe(FAMILY_IMPORT_FUNCTION.id);
    expect(app.api.families.function.node.id).toBe(FAMILIES_FUNCTION.id);
    expect(app.api.directory.preTokenFunction.node.id).toBe(PRE_TOKEN_FUNCTION.id);
  });

  it('has exactly the route functions, the background functions and the Cognito trigger, plus CDK’s notification handler', () => {
    const ours = new Set([
      ...ROUTES.map(functionOfRoute),
      ...backgroundFunctionIds(),
      logicalIdOf(app.api.directory.preTokenFunction),
    ]);
    expect(ours.size).toBe(ROUTES.length + 9 + 1);
    const others = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => !ours.has(id));
    expect(others).toHaveLength(1);
    expect(others[0]).toMatch(/^BucketNotificationsHandler/);
  });

  it('builds every function with the project defaults', () => {
    const ids = [...ROUTES.map(functionOfRoute), ...backgroundFunctionIds()];
    const functions = template.findResources('AWS::Lambda::Function') as Resources;
    const logGroups = template.findResources('AWS::Logs::LogGroup') as Resources;
    for (const id of ids) {
      const props = functions[id]?.Properties;
      expect(props, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: expect.objectContaining({
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'khbs-bkk',
            [TABLES.main.envVar]: expect.anything(),
            [BUCKETS.uploads.envVar]: expect.anything(),
            [BUCKETS.documents.envVar]: expect.anything(),
          }),
        },
      });
      const logGroupId = getAttTarget((props?.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup);
      expect(logGroups[logGroupId]?.Properties?.RetentionInDays, id).toBe(30);
    }
    for (const route of ROUTES) {
      expect(functions[functionOfRoute(route)]?.Properties?.MemorySize).toBe(512);
    }
  });
});

describe('KhbsApi: authorisation', () => {
  it('validates Cognito JWTs: issuer is the user pool, audience the web client and the machine clients', () => {
    const [poolId] = onlyResource(template, 'AWS::Cognito::UserPool');
    const [clientId] = onlyResource(template, 'AWS::Cognito::UserPoolClient', isWebClient);
    const machine = ['bank', 'bulog'].map(
      (role) =>
        onlyResource(template, 'AWS::Cognito::UserPoolClient', (p) => p.ClientName === `khbs-${role}`)[0],
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }, ...machine.map((id) => ({ Ref: id }))],
        Issuer: {
          'Fn::Join': [
            '',
            ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: poolId }],
          ],
        },
      },
    });
  });

  it('puts the authorizer on every non-public route and none on the public ones', () => {
    const [authorizerId] = onlyResource(template, 'AWS::ApiGatewayV2::Authorizer');
    expect(ROUTES.filter((r) => r.public).map(routeKey)).toContain('GET /health');
    for (const route of ROUTES) {
      const [, props] = onlyResource(
        template,
        'AWS::ApiGatewayV2::Route',
        (p) => p.RouteKey === routeKey(route),
      );
      if (route.public) {
        expect(props.AuthorizationType, routeKey(route)).toBe('NONE');
        expect(props.AuthorizerId).toBeUndefined();
      } else {
        expect(props.AuthorizationType, routeKey(route)).toBe('JWT');
        expect(props.AuthorizerId).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('configures the user pool: e-mail sign-in, admin-created accounts, strong passwords, optional TOTP, Plus tier', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      DeletionProtection: 'ACTIVE',
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'region', AttributeDataType: 'String', Mutable: true }),
        Match.objectLike({ Name: 'opd', AttributeDataType: 'String', Mutable: true }),
      ]),
    });
    const [, pool] = onlyResource(template, 'AWS::Cognito::UserPool');
    const minimum = (pool.Policies as { PasswordPolicy: { MinimumLength: number } }).PasswordPolicy
      .MinimumLength;
    expect(minimum).toBeGreaterThanOrEqual(12);
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
  });

  it('creates exactly the groups a person can hold (bank and bulog are machine clients, not groups)', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup') as Resources).map(
      (g) => g.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual([...PERSON_GROUPS].sort());
    expect(groups).not.toContain('bank');
    expect(groups).not.toContain('bulog');
  });

  it('has a public web client (no secret, SRP and code flow) that cannot change region or opd', () => {
    const [, client] = onlyResource(template, 'AWS::Cognito::UserPoolClient', isWebClient);
    expect(client).toMatchObject({ GenerateSecret: false, AllowedOAuthFlows: ['code'] });
    expect(client.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    expect(client.ReadAttributes).toEqual(expect.arrayContaining(['custom:region', 'custom:opd']));
    // Without an explicit list Cognito lets users write every attribute, custom:region included.
    const writable = client.WriteAttributes as string[] | undefined;
    expect(writable).toEqual(expect.any(Array));
    expect(writable).not.toContain('custom:region');
    expect(writable).not.toContain('custom:opd');
    // Nor their name, which the audit trail shows: nobody signs as another official.
    expect(writable).toEqual(['locale']);
  });
});

describe('KhbsApi: the stage', () => {
  it('logs every request as JSON with its request id, and throttles', () => {
    const [, stage] = onlyResource(template, 'AWS::ApiGatewayV2::Stage');
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: expect.any(Number),
        ThrottlingBurstLimit: expect.any(Number),
      },
    });
    const access = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(JSON.parse(access.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
    const logGroups = template.findResources('AWS::Logs::LogGroup') as Resources;
    expect(logGroups[getAttTarget(access.DestinationArn)]).toBeDefined();
  });

  it('answers CORS preflight for bearer-token calls', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowCredentials: false,
        AllowHeaders: Match.arrayWith(['authorization', 'content-type']),
        AllowMethods: Match.arrayWith(['GET', 'POST']),
      }),
    });
  });

  it('publishes the API URL, the user pool and client ids, and the data names', () => {
    for (const name of [
      'ApiUrl',
      'UserPoolId',
      'UserPoolClientId',
      'BankClientId',
      'BulogClientId',
      'TokenEndpoint',
      'TableName',
      'UploadsBucketName',
      'DocumentsBucketName',
    ]) {
      template.hasOutput(name, {});
    }
  });
});

describe('KhbsApi: the import pipeline', () => {
  const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

  it('invokes the recipient import under uploads/, the bank report import under disbursements/ and the family import under imports/ of the uploads bucket', () => {
    const [, notification] = onlyResource(template, 'Custom::S3BucketNotifications');
    expect(flatResource(notification.BucketName, labels)).toBe('<uploads>');
    // Lambda configurations only (no queue or topic), one per import, each on its own prefix.
    expect(Object.keys(notification.NotificationConfiguration as object)).toEqual([
      'LambdaFunctionConfigurations',
    ]);
    const configurations = (
      notification.NotificationConfiguration as { LambdaFunctionConfigurations: unknown[] }
    ).LambdaFunctionConfigurations;
    expect(configurations).toHaveLength(s3Imports().length);
    for (const { name, id, prefix } of s3Imports()) {
      expect(configurations, name).toContainEqual({
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }] } },
        LambdaFunctionArn: { 'Fn::GetAtt': [id, 'Arn'] },
      });
    }
    expect(PREFIXES.uploads).toBe('uploads/');
    expect(PREFIXES.disbursements).toBe('disbursements/');
    expect(PREFIXES.imports).toBe('imports/');
    // No prefix contains another (S3 refuses overlapping filters): a file starts exactly one import.
    const prefixes = s3Imports().map((i) => i.prefix);
    for (const [i, a] of prefixes.entries()) {
      for (const [j, b] of prefixes.entries()) {
        if (i !== j) expect(a.startsWith(b), `${a} / ${b}`).toBe(false);
      }
    }
  });

  it('lets S3 invoke the three imports, from the uploads bucket only, and no other function', () => {
    const fromS3 = Object.values(template.findResources('AWS::Lambda::Permission') as Resources)
      .map((r) => r.Properties ?? {})
      .filter((p) => p.Principal === 's3.amazonaws.com');
    expect(fromS3.map((p) => getAttTarget(p.FunctionName)).sort()).toEqual(
      s3Imports()
        .map((i) => i.id)
        .sort(),
    );
    for (const { name, id } of s3Imports()) {
      const permission = fromS3.find((p) => sameJson(p.FunctionName, { 'Fn::GetAtt': [id, 'Arn'] }));
      expect(permission?.Action, name).toBe('lambda:InvokeFunction');
      expect(flatResource(permission?.SourceArn, labels), name).toBe('<uploads>');
    }
  });

  it('retries each import twice, then sends the event to the one encrypted, TLS-only failure queue', () => {
    const queueId = logicalIdOf(app.api.importPipeline.failureQueue);
    const queue = propertiesOf(template, queueId);
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig') as Resources);
    expect(configs.map((c) => getAttTarget(c.Properties?.FunctionName)).sort()).toEqual(
      s3Imports()
        .map((i) => i.id)
        .sort(),
    );
    for (const { name, id } of s3Imports()) {
      const config = configs.find((c) => sameJson(c.Properties?.FunctionName, { Ref: id }));
      expect(config?.Properties, name).toMatchObject({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      // Lambda itself sends to the destination with the function's role; it may send nowhere else.
      expect(resourcesAllowed(permissionsOf(template, id).statements, 'sqs:SendMessage'), name).toEqual([
        `<${queueId}>`,
      ]);
    }
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('gives the import function time, memory and /tmp for large XLSX files, the bank report import 15 minutes', () => {
    const functions = template.findResources('AWS::Lambda::Function') as Resources;
    expect(functions[importFunctionId()]?.Properties).toMatchObject({
      Timeout: 15 * 60,
      MemorySize: 2048,
      EphemeralStorage: { Size: 2048 },
    });
    expect(functions[bankReportFunctionId()]?.Properties).toMatchObject({ Timeout: 15 * 60 });
    // The family import is shaped as the recipient import (DTSEN files are province-sized).
    expect(functions[familyImportFunctionId()]?.Properties).toMatchObject({
      Timeout: 15 * 60,
      MemorySize: 2048,
      EphemeralStorage: { Size: 2048 },
    });
  });

  it('alarms on each import function’s errors, with its own alarm, and on any message in the failure queue', () => {
    const queueId = logicalIdOf(app.api.importPipeline.failureQueue);
    for (const { id } of s3Imports()) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      });
    }
    const { errorsAlarm, bankReportErrorsAlarm } = app.api.importPipeline;
    expect(bankReportErrorsAlarm.node.id).toBe('BankReportErrorsAlarm');
    expect(logicalIdOf(bankReportErrorsAlarm)).not.toBe(logicalIdOf(errorsAlarm));
    expect(propertiesOf(template, logicalIdOf(bankReportErrorsAlarm))).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: bankReportFunctionId() } }],
    });
    expect(propertiesOf(template, logicalIdOf(errorsAlarm))).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: importFunctionId() } }],
    });
    expect(propertiesOf(template, logicalIdOf(app.api.families.importErrorsAlarm))).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: familyImportFunctionId() } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });
});

describe('KhbsApi: least privilege', () => {
  const WRITES = [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ];

  it('gives no function a managed policy, and Resource "*" only for X-Ray (and the relay\'s ListStreams)', () => {
    const relay = logicalIdOf(app.api.outboxRelay.function);
    for (const id of [...ROUTES.map(functionOfRoute), ...backgroundFunctionIds()]) {
      const { statements, managedPolicies } = permissionsOf(template, id);
      expect(managedPolicies, id).toEqual([]);
      const starActions = statements.filter((s) => resourcesOf(s).includes('*')).flatMap(actionsOf);
      // ListStreams has no resource-level permission; the stream event source needs it (reads no data).
      const expected = id === relay ? ['dynamodb:ListStreams'] : [];
      expect(starActions.sort(), id).toEqual([
        ...expected,
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      expect(resourcesAllowed(statements, 'logs:PutLogEvents'), id).toHaveLength(1);
    }
  });

  it('GetProposal reads the table and nothing else: no writes, no S3', () => {
    const { statements } = permissionsOf(template, functionOfRoute(routeById('GetProposal')));
    expect(resourcesAllowed(statements, 'dynamodb:Query')).toEqual(['<table>', '<table>/index/*']);
    for (const action of WRITES) expect(statementsAllowing(statements, action), action).toEqual([]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:'))).toEqual([]);
    expect(statementsAllowing(statements, 's3:PutObject')).toEqual([]);
  });

  it('CreateUpload writes the table and may PutObject only under uploads/ of the uploads bucket', () => {
    const { statements } = permissionsOf(template, functionOfRoute(routeById('CreateUpload')));
    expect(resourcesAllowed(statements, 'dynamodb:PutItem')).toEqual(['<table>', '<table>/index/*']);
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual([`<uploads>/${PREFIXES.uploads}*`]);
    expect(statementsAllowing(statements, 's3:GetObject')).toEqual([]);
  });

  it('GetUpload reads the table and the documents bucket, and writes nothing', () => {
    const { statements } = permissionsOf(template, functionOfRoute(routeById('GetUpload')));
    for (const action of WRITES) expect(statementsAllowing(statements, action), action).toEqual([]);
    expect(resourcesAllowed(statements, 's3:GetObject')).toEqual(['<documents>', '<documents>/*']);
    expect(statementsAllowing(statements, 's3:PutObject')).toEqual([]);
  });

  it('a read that logs itself (putKeys) may only put items under its named partitions: no update, no delete', () => {
    const logging = ROUTES.filter((route) => route.access.putKeys !== undefined);
    expect(logging.map((route) => route.id).sort()).toEqual([
      'GetBankFile',
      'GetBulogFile',
      'GetCardPrintFile',
      'GetFamily',
      'GetFoodLists',
      'GetTahapFile',
      'GetVervalProgress',
      'ListRecipients',
      'SearchFamilies',
      'SearchRecipients',
      'SearchTahapFamilies',
    ]);
    for (const route of logging) {
      const { statements } = permissionsOf(template, functionOfRoute(route));
      const puts = statementsAllowing(statements, 'dynamodb:PutItem');
      expect(puts, route.id).toHaveLength(1);
      expect(puts[0], route.id).toMatchObject({
        Effect: 'Allow',
        Action: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': route.access.putKeys } },
      });
      // The table itself (the index entries follow the items), never an index.
      expect(resourcesAllowed(statements, 'dynamodb:PutItem'), route.id).toEqual(['<table>']);
      expect(resourcesAllowed(statements, 'dynamodb:BatchWriteItem'), route.id).toEqual(['<table>']);
      for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
        expect(statementsAllowing(statements, action), `${route.id} ${action}`).toEqual([]);
      }
    }
    // The family history and the bulk reads of families (a desa's, a KPM list's) put read log items only.
    for (const id of [
      'GetFamily',
      'GetTahapFile',
      'GetVervalProgress',
      'ListRecipients',
      'SearchRecipients',
      'SearchTahapFamilies',
    ] as const) {
      expect(routeById(id).access.putKeys, id).toEqual(['READLOG#*']);
    }
    expect(routeById('SearchFamilies').access.putKeys).toEqual(['FAMILYID#*', 'FAMILY#*', 'READLOG#*']);
  });

  it("the bank's machine client presigns PUTs under disbursements/ only, and a fetch puts only its record", () => {
    const report = permissionsOf(template, functionOfRoute(routeById('CreateBankReport')));
    // Where the bank report import is triggered: never uploads/ (the regions' lists) or imports/.
    expect(resourcesAllowed(report.statements, 's3:PutObject')).toEqual([
      `<uploads>/${PREFIXES.disbursements}*`,
    ]);
    expect(resourcesAllowed(report.statements, 's3:GetObject')).toEqual([]);
    for (const id of ['GetBankFile', 'GetBulogFile'] as const) {
      expect(routeById(id).access.putKeys, id).toEqual(['EXCHFETCH#*']);
      const { statements } = permissionsOf(template, functionOfRoute(routeById(id)));
      expect(resourcesAllowed(statements, 's3:PutObject'), id).toEqual([]);
    }
    for (const id of ['ListBankFiles', 'ListBulogFiles'] as const) {
      const { statements } = permissionsOf(template, functionOfRoute(routeById(id)));
      expect(statementsAllowing(statements, 'dynamodb:PutItem'), id).toEqual([]);
      expect(statementsAllowing(statements, 's3:GetObject'), id).toEqual([]);
    }
  });

  it("each machine client's answer route presigns PUTs under its own import kind's folder only", () => {
    for (const [id, folder] of [
      ['CreateBankAccountAnswer', 'jawaban-rekening/'],
      ['CreateBankEdcFile', 'edc/'],
      ['CreateBulogBast', 'bast/'],
    ] as const) {
      const { statements } = permissionsOf(template, functionOfRoute(routeById(id)));
      // Never the whole imports/ prefix (a DTSEN extract, another party's answer) nor any other.
      expect(resourcesAllowed(statements, 's3:PutObject'), id).toEqual([
        `<uploads>/${PREFIXES.imports}${folder}*`,
      ]);
      expect(resourcesAllowed(statements, 's3:GetObject'), id).toEqual([]);
    }
    expect(routeById('CreateBankAccountAnswer').capability).toBe('exchange:bank');
    expect(routeById('CreateBankEdcFile').capability).toBe('exchange:bank');
    expect(routeById('CreateBulogBast').capability).toBe('exchange:bulog');
    for (const id of ['GetBankImport', 'GetBulogImport'] as const) {
      const { statements } = permissionsOf(template, functionOfRoute(routeById(id)));
      expect(resourcesAllowed(statements, 's3:PutObject'), id).toEqual([]);
      expect(statementsAllowing(statements, 'dynamodb:PutItem'), id).toEqual([]);
    }
  });

  it('Health has no data access at all', () => {
    const { statements } = permissionsOf(template, functionOfRoute(routeById('Health')));
    const data = statements.flatMap(actionsOf).filter((a) => /^(dynamodb|s3|sqs):/.test(a));
    expect(data).toEqual([]);
  });

  it('grants each route exactly what routes.ts declares', () => {
    for (const route of ROUTES) {
      const { statements } = permissionsOf(template, functionOfRoute(route));
      const canRead = statementsAllowing(statements, 'dynamodb:GetItem').length > 0;
      const canWrite = statementsAllowing(statements, 'dynamodb:PutItem').length > 0;
      expect({ canRead, canWrite }, route.id).toEqual({
        canRead: route.access.table !== undefined,
        // A read that logs itself (putKeys) puts items too, under its named partitions only (below).
        canWrite: route.access.table === 'readwrite' || route.access.putKeys !== undefined,
      });
      // A route that generates files for download (verval sheets) may put them under files/ only.
      expect(resourcesAllowed(statements, 's3:PutObject'), route.id).toEqual([
        ...(route.access.uploadsBucket === 'put' ? [`<uploads>/${PREFIXES.uploads}*`] : []),
        ...(route.access.uploadsBucket === 'putImports' ? [`<uploads>/${PREFIXES.imports}*`] : []),
        ...(route.access.uploadsBucket === 'putDisbursements'
          ? [`<uploads>/${PREFIXES.disbursements}*`]
          : []),
        ...(route.access.uploadsBucket === 'putAccountAnswers'
          ? [`<uploads>/${PREFIXES.imports}jawaban-rekening/*`]
          : []),
        ...(route.access.uploadsBucket === 'putEdc' ? [`<uploads>/${PREFIXES.imports}edc/*`] : []),
        ...(route.access.uploadsBucket === 'putBast' ? [`<uploads>/${PREFIXES.imports}bast/*`] : []),
        ...(route.access.documentsBucket === 'files' ? [`<documents>/${PREFIXES.files}*`] : []),
      ]);
      expect(resourcesAllowed(statements, 's3:GetObject'), route.id).toEqual(
        route.access.documentsBucket !== undefined ? ['<documents>', '<documents>/*'] : [],
      );
    }
  });

  it('the import function reads uploads/ (not the bank reports), writes the table, and puts only error reports into documents', () => {
    const { statements } = permissionsOf(template, importFunctionId());
    expect(resourcesAllowed(statements, 'dynamodb:BatchWriteItem')).toEqual(['<table>', '<table>/index/*']);
    // The regions' recipient files only: never disbursements/ (the bank's reports) or the rest of the bucket.
    expect(resourcesAllowed(statements, 's3:GetObject')).toEqual([
      '<uploads>',
      `<uploads>/${PREFIXES.uploads}*`,
    ]);
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual([`<documents>/${PREFIXES.errorReports}*`]);
    expect(statementsAllowing(statements, 's3:DeleteObject')).toEqual([]);
    expect(statementsAllowing(statements, 'lambda:InvokeFunction')).toEqual([]);
  });

  it('the bank report import reads bank reports, writes the table, and puts only under reports/disbursements/ of documents', () => {
    const { statements, managedPolicies } = permissionsOf(template, bankReportFunctionId());
    expect(managedPolicies).toEqual([]);
    expect(resourcesAllowed(statements, 'dynamodb:BatchWriteItem')).toEqual(['<table>', '<table>/index/*']);
    expect(resourcesAllowed(statements, 'dynamodb:UpdateItem')).toEqual(['<table>', '<table>/index/*']);
    // Only the bank's reports: never the regions' recipient files under uploads/.
    expect(resourcesAllowed(statements, 's3:GetObject')).toEqual([
      '<uploads>',
      `<uploads>/${PREFIXES.disbursements}*`,
    ]);
    expect(PREFIXES.bankReportErrors).toBe('reports/disbursements/');
    // No legal hold or retention on its reports: nothing it writes can be locked by it.
    expect(statementsAllowing(statements, 's3:PutObjectRetention')).toEqual([]);
    expect(statementsAllowing(statements, 's3:PutObjectLegalHold')).toEqual([]);
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual([
      `<documents>/${PREFIXES.bankReportErrors}*`,
    ]);
    // Reads nothing of the documents bucket, writes nothing of the uploads bucket, deletes nothing.
    const s3Resources = statements
      .filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))
      .flatMap((s) => resourcesOf(s).map((r) => flatResource(r, labels)));
    expect(s3Resources.filter((r) => r.startsWith('<documents>'))).toEqual([
      `<documents>/${PREFIXES.bankReportErrors}*`,
    ]);
    expect(statementsAllowing(statements, 's3:DeleteObject')).toEqual([]);
    expect(statementsAllowing(statements, 'lambda:InvokeFunction')).toEqual([]);
  });

  it('the family import reads only imports/ of uploads, writes the table, and puts only under reports/imports/ of documents', () => {
    const { statements, managedPolicies } = permissionsOf(template, familyImportFunctionId());
    expect(managedPolicies).toEqual([]);
    // TransactWriteItems (the closing write with the outbox item) is authorised as the item writes.
    expect(resourcesAllowed(statements, 'dynamodb:PutItem')).toEqual(['<table>', '<table>/index/*']);
    expect(resourcesAllowed(statements, 'dynamodb:UpdateItem')).toEqual(['<table>', '<table>/index/*']);
    expect(resourcesAllowed(statements, 's3:GetObject')).toEqual([
      '<uploads>',
      `<uploads>/${PREFIXES.imports}*`,
    ]);
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual([`<documents>/${PREFIXES.importReports}*`]);
    expect(statementsAllowing(statements, 's3:PutObjectRetention')).toEqual([]);
    expect(statementsAllowing(statements, 's3:PutObjectLegalHold')).toEqual([]);
    const s3Resources = statements
      .filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))
      .flatMap((s) => resourcesOf(s).map((r) => flatResource(r, labels)));
    expect(s3Resources.filter((r) => r.startsWith('<documents>'))).toEqual([
      `<documents>/${PREFIXES.importReports}*`,
    ]);
    expect(statementsAllowing(statements, 's3:DeleteObject')).toEqual([]);
    expect(statementsAllowing(statements, 'lambda:InvokeFunction')).toEqual([]);
  });

  it('the families worker writes the table and puts only under reports/snapshots/, files/bank/ and files/bulog/ of documents, reading no file', () => {
    const { statements, managedPolicies } = permissionsOf(template, familiesFunctionId());
    expect(managedPolicies).toEqual([]);
    expect(resourcesAllowed(statements, 'dynamodb:UpdateItem')).toEqual(['<table>', '<table>/index/*']);
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual([
      `<documents>/${PREFIXES.bankFiles}*`,
      `<documents>/${PREFIXES.bulogFiles}*`,
      `<documents>/${PREFIXES.snapshotReports}*`,
    ]);
    const s3Resources = statements
      .filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))
      .flatMap((s) => resourcesOf(s).map((r) => flatResource(r, labels)));
    expect(s3Resources).toEqual([
      `<documents>/${PREFIXES.bankFiles}*`,
      `<documents>/${PREFIXES.bulogFiles}*`,
      `<documents>/${PREFIXES.snapshotReports}*`,
    ]);
    expect(statementsAllowing(statements, 's3:GetObject')).toEqual([]);
    expect(statementsAllowing(statements, 'lambda:InvokeFunction')).toEqual([]);
  });

  it('only the watchdog may invoke a function, and only the three imports (the reconciliation no longer)', () => {
    const invokers = Object.keys(template.findResources('AWS::Lambda::Function') as Resources).filter(
      (id) => {
        let statements: Statement[];
        try {
          statements = permissionsOf(template, id).statements;
        } catch {
          return false; // CDK's own helper functions
        }
        return statementsAllowing(statements, 'lambda:InvokeFunction').length > 0;
      },
    );
    expect(invokers).toEqual([watchdogFunctionId()]);
    expect(invokers).not.toContain(reconcileFunctionId());
    const { statements } = permissionsOf(template, watchdogFunctionId());
    const targets = statementsAllowing(statements, 'lambda:InvokeFunction')
      .flatMap(resourcesOf)
      .map((r) => flatResource(r, labels))
      .sort();
    // The functions and their versions/aliases (Function.grantInvoke), nothing else.
    expect(targets).toEqual(
      [
        `<${importFunctionId()}>`,
        `<${importFunctionId()}>:*`,
        `<${bankReportFunctionId()}>`,
        `<${bankReportFunctionId()}>:*`,
        `<${familyImportFunctionId()}>`,
        `<${familyImportFunctionId()}>:*`,
      ].sort(),
    );
    expect(
      statementsAllowing(statements, 'lambda:InvokeFunction')
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('lambda:')),
    ).toEqual(['lambda:InvokeFunction']);
  });
});
