import { existsSync } from 'node:fs';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUPS } from '#shared/http/caller.ts';
import { BUCKETS, PREFIXES, TABLES } from '#shared/resources.ts';
import { IMPORT_FUNCTION, ROUTES, type RouteSpec } from '../../functions/api/routes.ts';
import { repoPath } from '../../infra/paths.ts';
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

/** The logical id of the function behind a route, followed through route → integration → function. */
function functionOfRoute(route: RouteSpec): string {
  const [, props] = onlyResource(template, 'AWS::ApiGatewayV2::Route', (p) => p.RouteKey === routeKey(route));
  const target = JSON.stringify(props.Target);
  const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Resources;
  const integrationId = Object.keys(integrations).find((id) => target.includes(`"${id}"`));
  if (!integrationId) throw new Error(`No integration for ${routeKey(route)}`);
  return getAttTarget(integrations[integrationId]?.Properties?.IntegrationUri);
}

function importFunctionId(): string {
  const [id] = onlyResource(template, 'AWS::Lambda::EventInvokeConfig');
  const props = (template.findResources('AWS::Lambda::EventInvokeConfig') as Resources)[id]?.Properties;
  return getAttTarget(props?.FunctionName);
}

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

  it('points every route entry and the import entry at a file that exists', () => {
    for (const entry of [...ROUTES.map((r) => r.entry), IMPORT_FUNCTION.entry]) {
      expect(existsSync(repoPath(entry)), entry).toBe(true);
    }
  });

  it('builds every function with the project defaults', () => {
    const ids = [...ROUTES.map(functionOfRoute), importFunctionId()];
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
  it('validates Cognito JWTs: issuer is the user pool, audience the web client', () => {
    const [poolId] = onlyResource(template, 'AWS::Cognito::UserPool');
    const [clientId] = onlyResource(template, 'AWS::Cognito::UserPoolClient');
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
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

  it('creates exactly the groups the API understands', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup') as Resources).map(
      (g) => g.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual([...GROUPS].sort());
  });

  it('has a public web client (no secret, SRP and code flow) that cannot change region or opd', () => {
    const [, client] = onlyResource(template, 'AWS::Cognito::UserPoolClient');
    expect(client).toMatchObject({ GenerateSecret: false, AllowedOAuthFlows: ['code'] });
    expect(client.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    expect(client.ReadAttributes).toEqual(expect.arrayContaining(['custom:region', 'custom:opd']));
    // Without an explicit list Cognito lets users write every attribute, custom:region included.
    const writable = client.WriteAttributes as string[] | undefined;
    expect(writable).toEqual(expect.any(Array));
    expect(writable).not.toContain('custom:region');
    expect(writable).not.toContain('custom:opd');
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
      'TableName',
      'UploadsBucketName',
      'DocumentsBucketName',
    ]) {
      template.hasOutput(name, {});
    }
  });
});

describe('KhbsApi: the import pipeline', () => {
  it('invokes the import function for objects created under uploads/ in the uploads bucket', () => {
    const [, notification] = onlyResource(template, 'Custom::S3BucketNotifications');
    expect(flatResource(notification.BucketName, labels)).toBe('<uploads>');
    expect(notification.NotificationConfiguration).toEqual({
      LambdaFunctionConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: PREFIXES.uploads }] } },
          LambdaFunctionArn: { 'Fn::GetAtt': [importFunctionId(), 'Arn'] },
        },
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [importFunctionId(), 'Arn'] },
    });
  });

  it('retries twice, then sends the event to the encrypted, TLS-only failure queue', () => {
    const queueId = logicalIdOf(app.api.importPipeline.failureQueue);
    const queue = propertiesOf(template, queueId);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: importFunctionId() },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    // Lambda itself sends to the destination with the function's role.
    expect(
      resourcesAllowed(permissionsOf(template, importFunctionId()).statements, 'sqs:SendMessage'),
    ).toEqual([`<${queueId}>`]);
  });

  it('gives the import function time, memory and /tmp for large XLSX files', () => {
    const functions = template.findResources('AWS::Lambda::Function') as Resources;
    expect(functions[importFunctionId()]?.Properties).toMatchObject({
      Timeout: 15 * 60,
      MemorySize: 2048,
      EphemeralStorage: { Size: 2048 },
    });
  });

  it('alarms on function errors and on any message in the failure queue', () => {
    const queueId = logicalIdOf(app.api.importPipeline.failureQueue);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: importFunctionId() } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
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

  it('gives no function a managed policy, and Resource "*" only for X-Ray', () => {
    for (const id of [...ROUTES.map(functionOfRoute), importFunctionId()]) {
      const { statements, managedPolicies } = permissionsOf(template, id);
      expect(managedPolicies, id).toEqual([]);
      const starActions = statements.filter((s) => resourcesOf(s).includes('*')).flatMap(actionsOf);
      expect(starActions.sort(), id).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
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
        canWrite: route.access.table === 'readwrite',
      });
      expect(resourcesAllowed(statements, 's3:PutObject'), route.id).toEqual(
        route.access.uploadsBucket === 'put' ? [`<uploads>/${PREFIXES.uploads}*`] : [],
      );
      expect(resourcesAllowed(statements, 's3:GetObject'), route.id).toEqual(
        route.access.documentsBucket === 'read' ? ['<documents>', '<documents>/*'] : [],
      );
    }
  });

  it('the import function reads uploads, writes the table, and puts only error reports into documents', () => {
    const { statements } = permissionsOf(template, importFunctionId());
    expect(resourcesAllowed(statements, 'dynamodb:BatchWriteItem')).toEqual(['<table>', '<table>/index/*']);
    expect(resourcesAllowed(statements, 's3:GetObject')).toEqual(['<uploads>', '<uploads>/*']);
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual([`<documents>/${PREFIXES.errorReports}*`]);
    expect(statementsAllowing(statements, 's3:DeleteObject')).toEqual([]);
  });
});
