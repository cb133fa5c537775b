import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '#shared/resources.ts';
import { CHECKS_FUNCTION, DECREE_FUNCTION, ROUTES, type RouteSpec } from '../../functions/api/routes.ts';
import { CHECKS_WORKER, DECREE_WORKER, VISIBILITY_TIMEOUT_FACTOR } from '../../infra/workers.ts';
import {
  actionsOf,
  flatResource,
  logicalIdOf,
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

/**
 * The checks worker and its queue, the decree queue, and who may send to which queue: the work
 * queues of issue 3 as deployed.
 */

let app: SynthesizedApp;
let template: Template;
let labels: Record<string, string>;
/** Logical ids. */
let ids: {
  checksQueue: string;
  checksDlq: string;
  decreeQueue: string;
  decreeDlq: string;
  importFailures: string;
  worker: string;
  decreeWorker: string;
};

beforeAll(() => {
  app = synthKhbsApp();
  template = app.apiTemplate;
  const { checks, decree, importPipeline } = app.api;
  ids = {
    checksQueue: logicalIdOf(checks.queue),
    checksDlq: logicalIdOf(checks.deadLetterQueue),
    decreeQueue: logicalIdOf(decree.queue),
    decreeDlq: logicalIdOf(decree.deadLetterQueue),
    importFailures: logicalIdOf(importPipeline.failureQueue),
    worker: logicalIdOf(checks.function),
    decreeWorker: logicalIdOf(decree.function),
  };
  labels = {
    ...statefulLabels(app),
    [ids.checksQueue]: 'checks',
    [ids.checksDlq]: 'checks-dlq',
    [ids.decreeQueue]: 'decree',
    [ids.decreeDlq]: 'decree-dlq',
    [ids.importFailures]: 'import-failures',
  };
}, SYNTH_TIMEOUT_MS);

function routeFunctionId(route: RouteSpec): string {
  const fn = app.api.httpApi.functions.get(route.id);
  if (!fn) throw new Error(`No function for route ${route.id}`);
  return logicalIdOf(fn);
}

/** Resources (as `<label>` strings) of every statement that allows `action`, sorted. */
function resourcesAllowed(statements: Statement[], action: string): string[] {
  return statementsAllowing(statements, action)
    .flatMap((s) => resourcesOf(s).map((r) => flatResource(r, labels)))
    .sort();
}

const propsOf = (id: string) => propertiesOf(template, id);

/** The properties of the one SQS event source mapping of a function. */
function mappingOf(functionId: string): Record<string, unknown> {
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))
    .map((resource) => (resource as { Properties: Record<string, unknown> }).Properties)
    .filter((props) => JSON.stringify(props.FunctionName) === JSON.stringify({ Ref: functionId }));
  expect(mappings).toHaveLength(1);
  return mappings[0] as Record<string, unknown>;
}
const variables = (id: string) =>
  (propsOf(id).Environment as { Variables: Record<string, unknown> }).Variables;

describe('KhbsApi: the decree worker', () => {
  it('consumes the decree queue one request per invocation, two at most at once, with partial batch responses', () => {
    expect(mappingOf(ids.decreeWorker)).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [ids.decreeQueue, 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: DECREE_WORKER.maxConcurrency },
    });
  });

  it('runs the decree handler with its settings from cdk.json (the lasting verification address)', () => {
    expect(propsOf(ids.decreeWorker)).toMatchObject({
      Runtime: 'nodejs24.x',
      Timeout: DECREE_WORKER.timeoutSeconds,
      MemorySize: DECREE_WORKER.memoryMb,
    });
    expect(app.api.decree.function.node.id).toBe(DECREE_FUNCTION.id);
    expect(variables(ids.decreeWorker)).toMatchObject({
      DECREE_VERIFY_BASE_URL: 'https://khbs.kalteng.go.id/verify',
      DECREE_RETENTION_MODE: 'GOVERNANCE',
    });
  });

  it('may write and lock PDFs under decrees/ and read them back, and nothing else of the buckets', () => {
    const { statements, managedPolicies } = permissionsOf(template, ids.decreeWorker);
    expect(managedPolicies).toEqual([]);
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual(['<documents>/decrees/*']);
    expect(resourcesAllowed(statements, 's3:PutObjectRetention')).toEqual(['<documents>/decrees/*']);
    expect(resourcesAllowed(statements, 's3:GetObject')).toEqual(['<documents>/decrees/*']);
    expect(
      statements
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:PutObjectRetention']);
    // Listing (so that a missing PDF is a 404, not a 403) only under decrees/.
    expect(statementsAllowing(statements, 's3:ListBucket')).toMatchObject([
      { Condition: { StringLike: { 's3:prefix': 'decrees/*' } } },
    ]);
    const s3Actions = statements.flatMap(actionsOf).filter((action) => action.startsWith('s3:'));
    // Never delete, never bypass governance retention, never change the lock configuration.
    expect(s3Actions.filter((action) => /Delete|Bypass|PutObjectLegalHold|PutBucket/.test(action))).toEqual(
      [],
    );
    expect(resourcesAllowed(statements, 'sqs:ReceiveMessage')).toEqual(['<decree>']);
    expect(resourcesAllowed(statements, 'sqs:SendMessage')).toEqual([]);
    expect(resourcesAllowed(statements, 'dynamodb:UpdateItem')).toEqual(['<table>', '<table>/index/*']);
  });

  it('alarms on worker errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.decreeWorker } }],
      MetricName: 'Errors',
    });
  });
});

describe('KhbsApi: the checks worker', () => {
  it('consumes the checks queue one record per invocation, with partial batch responses', () => {
    const mapping = mappingOf(ids.worker);
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [ids.checksQueue, 'Arn'] },
      FunctionName: { Ref: ids.worker },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const concurrency = (mapping.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency;
    expect(concurrency).toBe(CHECKS_WORKER.maxConcurrency);
    expect(concurrency).toBeGreaterThanOrEqual(2);
    expect(concurrency).toBeLessThanOrEqual(5);
  });

  it('runs the checks handler with a long timeout, more memory and the project defaults', () => {
    expect(propsOf(ids.worker)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: CHECKS_WORKER.timeoutSeconds,
      MemorySize: 1024,
    });
    expect(CHECKS_WORKER.timeoutSeconds).toBe(300);
    expect(app.api.checks.function.node.id).toBe(CHECKS_FUNCTION.id);
    expect(variables(ids.worker)).toMatchObject({
      [QUEUES.checks.envVar]: { Ref: ids.checksQueue },
    });
    expect(variables(ids.worker)).not.toHaveProperty(QUEUES.decree.envVar);
  });

  it('gives each work queue a visibility timeout of at least 6 × its consumer’s timeout', () => {
    const workerTimeout = propsOf(ids.worker).Timeout as number;
    expect(propsOf(ids.checksQueue).VisibilityTimeout).toBeGreaterThanOrEqual(
      VISIBILITY_TIMEOUT_FACTOR * workerTimeout,
    );
    expect(VISIBILITY_TIMEOUT_FACTOR).toBeGreaterThanOrEqual(6);
    expect(propsOf(ids.decreeQueue).VisibilityTimeout).toBeGreaterThanOrEqual(
      VISIBILITY_TIMEOUT_FACTOR * (propsOf(ids.decreeWorker).Timeout as number),
    );
  });

  it('grants the worker the table, its own queue (consume and re-check), and nothing else', () => {
    const { statements, managedPolicies } = permissionsOf(template, ids.worker);
    expect(managedPolicies).toEqual([]);
    expect(resourcesAllowed(statements, 'dynamodb:UpdateItem')).toEqual(['<table>', '<table>/index/*']);
    expect(resourcesAllowed(statements, 'sqs:ReceiveMessage')).toEqual(['<checks>']);
    expect(resourcesAllowed(statements, 'sqs:DeleteMessage')).toEqual(['<checks>']);
    expect(resourcesAllowed(statements, 'sqs:ChangeMessageVisibility')).toEqual(['<checks>']);
    expect(resourcesAllowed(statements, 'sqs:SendMessage')).toEqual(['<checks>']);
    const touched = statements
      .flatMap((s) => resourcesOf(s).map((r) => flatResource(r, labels)))
      .filter((r) => /decree|dlq|import-failures/.test(r));
    expect(touched).toEqual([]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:'))).toEqual([]);
    const starActions = statements.filter((s) => resourcesOf(s).includes('*')).flatMap(actionsOf);
    expect(starActions.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('alarms on worker errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.worker } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });
});

describe('KhbsApi: the work queues and their dead-letter queues', () => {
  const pairs = () =>
    [
      { spec: QUEUES.checks, queue: ids.checksQueue, dlq: ids.checksDlq },
      { spec: QUEUES.decree, queue: ids.decreeQueue, dlq: ids.decreeDlq },
    ] as const;

  it('has exactly the import failure queue, the two work queues and their DLQs', () => {
    expect(Object.keys(template.findResources('AWS::SQS::Queue')).sort()).toEqual(
      [ids.importFailures, ids.checksQueue, ids.checksDlq, ids.decreeQueue, ids.decreeDlq].sort(),
    );
  });

  it('redrives to the DLQ after maxReceiveCount from shared/resources.ts', () => {
    for (const { spec, queue, dlq } of pairs()) {
      expect(propsOf(queue).RedrivePolicy, spec.id).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
        maxReceiveCount: spec.deadLetter.maxReceiveCount,
      });
      expect(propsOf(dlq).RedrivePolicy, spec.id).toBeUndefined();
    }
  });

  it('encrypts every queue, keeps dead messages 14 days, and denies requests without TLS', () => {
    for (const { spec, queue, dlq } of pairs()) {
      for (const id of [queue, dlq]) {
        expect(propsOf(id).SqsManagedSseEnabled, `${spec.id} ${id}`).toBe(true);
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
      expect(propsOf(dlq).MessageRetentionPeriod, spec.id).toBe(14 * 24 * 3600);
      const retention = (propsOf(queue).MessageRetentionPeriod as number | undefined) ?? 4 * 24 * 3600;
      expect(retention, spec.id).toBeLessThanOrEqual(14 * 24 * 3600);
    }
  });

  it('alarms on any message in either DLQ, and on messages nobody takes', () => {
    for (const { spec, queue, dlq } of pairs()) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: Match.anyValue(),
      });
      expect(spec.deadLetter.maxReceiveCount).toBeGreaterThan(0);
    }
  });

  it('publishes the queue URLs', () => {
    for (const name of [
      'ChecksQueueUrl',
      'ChecksDeadLetterQueueUrl',
      'DecreeQueueUrl',
      'DecreeDeadLetterQueueUrl',
    ]) {
      template.hasOutput(name, {});
    }
  });
});

describe('KhbsApi: who may send to which queue', () => {
  const queueLabel = { checks: '<checks>', decree: '<decree>' } as const;

  it('SubmitProposal may send to the checks queue only', () => {
    const route = ROUTES.find((r) => r.id === 'SubmitProposal');
    if (!route) throw new Error('no SubmitProposal route');
    const { statements } = permissionsOf(template, routeFunctionId(route));
    expect(resourcesAllowed(statements, 'sqs:SendMessage')).toEqual(['<checks>']);
    expect(variables(routeFunctionId(route))).toMatchObject({
      [QUEUES.checks.envVar]: { Ref: ids.checksQueue },
    });
    expect(variables(routeFunctionId(route))).not.toHaveProperty(QUEUES.decree.envVar);
  });

  it('DecideProposal may send to the decree queue only', () => {
    const route = ROUTES.find((r) => r.id === 'DecideProposal');
    if (!route) throw new Error('no DecideProposal route');
    const { statements } = permissionsOf(template, routeFunctionId(route));
    expect(resourcesAllowed(statements, 'sqs:SendMessage')).toEqual(['<decree>']);
    expect(variables(routeFunctionId(route))).toMatchObject({
      [QUEUES.decree.envVar]: { Ref: ids.decreeQueue },
    });
    expect(variables(routeFunctionId(route))).not.toHaveProperty(QUEUES.checks.envVar);
  });

  it('every route sends to exactly the queues of its access.sendsTo, and no other route to any', () => {
    const senders = ROUTES.filter((r) => (r.access.sendsTo ?? []).length > 0).map((r) => r.id);
    expect(senders.sort()).toEqual(['DecideProposal', 'SubmitProposal']);
    for (const route of ROUTES) {
      const id = routeFunctionId(route);
      const { statements } = permissionsOf(template, id);
      const expected = (route.access.sendsTo ?? []).map((name) => queueLabel[name]).sort();
      expect(resourcesAllowed(statements, 'sqs:SendMessage'), route.id).toEqual(expected);
      // No route consumes a queue.
      expect(statementsAllowing(statements, 'sqs:ReceiveMessage'), route.id).toEqual([]);
      expect(statementsAllowing(statements, 'sqs:DeleteMessage'), route.id).toEqual([]);
      const env = variables(id);
      for (const name of ['checks', 'decree'] as const) {
        expect(env[QUEUES[name].envVar] !== undefined, `${route.id} ${QUEUES[name].envVar}`).toBe(
          (route.access.sendsTo ?? []).includes(name),
        );
      }
    }
  });

  it('nothing but the import function may send to the import failure queue', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function') as Resources);
    const importId = logicalIdOf(app.api.importPipeline.function);
    for (const id of functions) {
      if (id === importId) continue;
      let statements: Statement[];
      try {
        statements = permissionsOf(template, id).statements;
      } catch {
        continue; // CDK's own helper functions
      }
      expect(resourcesAllowed(statements, 'sqs:SendMessage'), id).not.toContain('<import-failures>');
    }
  });
});
