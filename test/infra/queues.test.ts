import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReconciliationRequestedSchema } from '#shared/messages.ts';
import { PREFIXES, QUEUES } from '#shared/resources.ts';
import {
  CHECKS_FUNCTION,
  DECREE_FUNCTION,
  FAMILIES_FUNCTION,
  RECONCILE_FUNCTION,
  ROUTES,
  type RouteSpec,
} from '../../functions/api/routes.ts';
import {
  CHECKS_WORKER,
  DECREE_WORKER,
  FAMILIES_WORKER,
  RECONCILE_WORKER,
  RELAY_WORKER,
  VISIBILITY_TIMEOUT_FACTOR,
} from '../../infra/workers.ts';
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

/**
 * The checks worker and its queue, the decree queue, the reconciliation job with its queue and
 * daily schedule, the family jobs worker and its queue, and who may send to which queue: the work queues as deployed. (The watchdog has
 * no queue: `watchdog.test.ts`.)
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
  reconciliationQueue: string;
  reconciliationDlq: string;
  familiesQueue: string;
  familiesDlq: string;
  importFailures: string;
  worker: string;
  decreeWorker: string;
  reconcile: string;
  importFunction: string;
  bankReportFunction: string;
  familyImport: string;
  families: string;
  rule: string;
};

beforeAll(() => {
  app = synthKhbsApp();
  template = app.apiTemplate;
  const { checks, decree, importPipeline, reconciliation, families } = app.api;
  ids = {
    checksQueue: logicalIdOf(checks.queue),
    checksDlq: logicalIdOf(checks.deadLetterQueue),
    decreeQueue: logicalIdOf(decree.queue),
    decreeDlq: logicalIdOf(decree.deadLetterQueue),
    reconciliationQueue: logicalIdOf(reconciliation.queue),
    reconciliationDlq: logicalIdOf(reconciliation.deadLetterQueue),
    familiesQueue: logicalIdOf(families.queue),
    familiesDlq: logicalIdOf(families.deadLetterQueue),
    importFailures: logicalIdOf(importPipeline.failureQueue),
    worker: logicalIdOf(checks.function),
    decreeWorker: logicalIdOf(decree.function),
    reconcile: logicalIdOf(reconciliation.function),
    importFunction: logicalIdOf(importPipeline.function),
    bankReportFunction: logicalIdOf(importPipeline.bankReportFunction),
    familyImport: logicalIdOf(families.importFunction),
    families: logicalIdOf(families.function),
    rule: logicalIdOf(reconciliation.rule),
  };
  labels = {
    ...statefulLabels(app),
    [ids.checksQueue]: 'checks',
    [ids.checksDlq]: 'checks-dlq',
    [ids.decreeQueue]: 'decree',
    [ids.decreeDlq]: 'decree-dlq',
    [ids.reconciliationQueue]: 'reconciliation',
    [ids.reconciliationDlq]: 'reconciliation-dlq',
    [ids.familiesQueue]: 'families',
    [ids.familiesDlq]: 'families-dlq',
    [ids.importFailures]: 'import-failures',
    [ids.importFunction]: 'import-function',
    [ids.bankReportFunction]: 'bank-report-function',
    [ids.familyImport]: 'family-import-function',
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
    // Listing (so that a missing PDF is a 404, not a 403): keys of the documents bucket, no contents.
    expect(resourcesAllowed(statements, 's3:ListBucket')).toEqual(['<documents>']);
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
    expect(variables(ids.worker)).not.toHaveProperty(QUEUES.checks.envVar);
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
    expect(propsOf(ids.reconciliationQueue).VisibilityTimeout).toBeGreaterThanOrEqual(
      VISIBILITY_TIMEOUT_FACTOR * (propsOf(ids.reconcile).Timeout as number),
    );
    expect(propsOf(ids.familiesQueue).VisibilityTimeout).toBeGreaterThanOrEqual(
      VISIBILITY_TIMEOUT_FACTOR * (propsOf(ids.families).Timeout as number),
    );
  });

  it('grants the worker the table, its own queue (consume only: re-checks go through the outbox), and nothing else', () => {
    const { statements, managedPolicies } = permissionsOf(template, ids.worker);
    expect(managedPolicies).toEqual([]);
    expect(resourcesAllowed(statements, 'dynamodb:UpdateItem')).toEqual(['<table>', '<table>/index/*']);
    expect(resourcesAllowed(statements, 'sqs:ReceiveMessage')).toEqual(['<checks>']);
    expect(resourcesAllowed(statements, 'sqs:DeleteMessage')).toEqual(['<checks>']);
    expect(resourcesAllowed(statements, 'sqs:ChangeMessageVisibility')).toEqual(['<checks>']);
    expect(resourcesAllowed(statements, 'sqs:SendMessage')).toEqual([]);
    const touched = statements
      .flatMap((s) => resourcesOf(s).map((r) => flatResource(r, labels)))
      .filter((r) => /decree|dlq|import-failures|reconciliation|families|function/.test(r));
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

describe('KhbsApi: the reconciliation job', () => {
  it('consumes the reconciliation queue one run per invocation, with partial batch responses and bounded concurrency', () => {
    expect(mappingOf(ids.reconcile)).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [ids.reconciliationQueue, 'Arn'] },
      FunctionName: { Ref: ids.reconcile },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: RECONCILE_WORKER.maxConcurrency },
    });
    // The event source's allowed range.
    expect(RECONCILE_WORKER.maxConcurrency).toBeGreaterThanOrEqual(2);
    expect(RECONCILE_WORKER.maxConcurrency).toBeLessThanOrEqual(1000);
  });

  it('runs the reconcile handler with its timeout and memory, and knows of no import or queue to re-drive into', () => {
    expect(app.api.reconciliation.function.node.id).toBe(RECONCILE_FUNCTION.id);
    expect(propsOf(ids.reconcile)).toMatchObject({
      Runtime: 'nodejs24.x',
      Timeout: RECONCILE_WORKER.timeoutSeconds,
      MemorySize: RECONCILE_WORKER.memoryMb,
    });
    // The ledger only: re-drives are the watchdog's.
    for (const name of [
      'IMPORT_FUNCTION_NAME',
      'DISBURSEMENT_FUNCTION_NAME',
      QUEUES.checks.envVar,
      QUEUES.decree.envVar,
      // It consumes its queue; it never sends to it.
      QUEUES.reconciliation.envVar,
    ]) {
      expect(variables(ids.reconcile)).not.toHaveProperty(name);
    }
  });

  it('is started every day at 18:00 UTC (01:00 WIB) by a scheduled reconciliation.requested on its queue', () => {
    const rule = propsOf(ids.rule);
    expect(app.api.reconciliation.rule.node.id).toBe('Daily');
    expect(rule.ScheduleExpression).toBe('cron(0 18 * * ? *)');
    expect(rule.State).toBe('ENABLED');
    expect(rule.EventPattern).toBeUndefined();
    const targets = rule.Targets as Record<string, unknown>[];
    expect(targets).toHaveLength(1);
    const [target] = targets;
    expect(getAttTarget(target?.Arn)).toBe(ids.reconciliationQueue);
    // Undeliverable schedule messages go to the job's own (alarmed) DLQ.
    expect(target?.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [ids.reconciliationDlq, 'Arn'] } });
    // The message, exactly: a constant input, no input path or transformer.
    expect(target?.Input).toBe('{"type":"reconciliation.requested","trigger":"schedule"}');
    expect(target?.InputPath).toBeUndefined();
    expect(target?.InputTransformer).toBeUndefined();
    // …and it is a message the worker accepts, with no runId (the worker names the run after the day).
    expect(ReconciliationRequestedSchema.parse(JSON.parse(String(target?.Input)))).toEqual({
      type: 'reconciliation.requested',
      trigger: 'schedule',
    });
  });

  it('lets EventBridge send to the reconciliation queue and its DLQ for this rule only, and to no other queue', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy') as Resources).map(
      (r) => r.Properties ?? {},
    );
    const fromEvents = policies.flatMap((policy) =>
      ((policy.PolicyDocument as { Statement: (Statement & Record<string, unknown>)[] }).Statement ?? [])
        .filter((s) => JSON.stringify(s.Principal ?? null).includes('events.amazonaws.com'))
        .map((s) => ({ queues: policy.Queues, statement: s })),
    );
    expect(fromEvents.map((e) => getAttTarget((e.queues as unknown[])[0])).sort()).toEqual(
      [ids.reconciliationDlq, ids.reconciliationQueue].sort(),
    );
    for (const { statement } of fromEvents) {
      expect(statement.Effect).toBe('Allow');
      expect(actionsOf(statement)).toContain('sqs:SendMessage');
      expect(actionsOf(statement).filter((a) => /Receive|Delete|\*/.test(a))).toEqual([]);
      expect(statement.Condition).toEqual({
        ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ids.rule, 'Arn'] } },
      });
    }
  });

  it('invokes no function, sends to no queue, reads no file, and puts only under reports/reconciliations/', () => {
    const { statements, managedPolicies } = permissionsOf(template, ids.reconcile);
    expect(managedPolicies).toEqual([]);
    // Re-drives are the watchdog's: no invoke of the imports, no send to the checks or decree queue.
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('lambda:'))).toEqual([]);
    expect(statementsAllowing(statements, 'sqs:SendMessage')).toEqual([]);
    expect(resourcesAllowed(statements, 'sqs:ReceiveMessage')).toEqual(['<reconciliation>']);
    expect(resourcesAllowed(statements, 'sqs:DeleteMessage')).toEqual(['<reconciliation>']);
    expect(PREFIXES.reconciliationReports).toBe('reports/reconciliations/');
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual([
      `<documents>/${PREFIXES.reconciliationReports}*`,
    ]);
    // No reads of either bucket: decree PDFs are the watchdog's to hash, lost uploads its to find.
    expect(statementsAllowing(statements, 's3:GetObject')).toEqual([]);
    expect(statementsAllowing(statements, 's3:ListBucket')).toEqual([]);
    expect(statementsAllowing(statements, 's3:PutObjectRetention')).toEqual([]);
    const s3Actions = statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:'));
    expect(s3Actions.filter((a) => /Delete|Bypass|PutBucket/.test(a))).toEqual([]);
    expect(resourcesAllowed(statements, 'dynamodb:UpdateItem')).toEqual(['<table>', '<table>/index/*']);
    const starActions = statements.filter((s) => resourcesOf(s).includes('*')).flatMap(actionsOf);
    expect(starActions.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('alarms on job errors', () => {
    const alarm = app.api.reconciliation.errorsAlarm;
    expect(propsOf(logicalIdOf(alarm))).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.reconcile } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });
});

describe('KhbsApi: the family jobs worker', () => {
  it('consumes the families queue one job per invocation, two at most at once, with partial batch responses', () => {
    expect(mappingOf(ids.families)).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [ids.familiesQueue, 'Arn'] },
      FunctionName: { Ref: ids.families },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(FAMILIES_WORKER).toMatchObject({ batchSize: 1, maxConcurrency: 2 });
  });

  it('runs the families handler for 15 minutes with 3008 MB (eligibility over every family of the province)', () => {
    expect(app.api.families.function.node.id).toBe(FAMILIES_FUNCTION.id);
    expect(propsOf(ids.families)).toMatchObject({
      Runtime: 'nodejs24.x',
      Timeout: 15 * 60,
      MemorySize: 3008,
    });
    expect(FAMILIES_WORKER).toMatchObject({ timeoutSeconds: 15 * 60, memoryMb: 3008 });
    // It consumes its queue; it never sends to it (a follow-up job goes through the outbox).
    expect(variables(ids.families)).not.toHaveProperty(QUEUES.families.envVar);
  });

  it('takes only its own queue, sends to none, reads no file, and puts only under reports/snapshots/, files/bank/ and files/bulog/', () => {
    const { statements, managedPolicies } = permissionsOf(template, ids.families);
    expect(managedPolicies).toEqual([]);
    expect(resourcesAllowed(statements, 'sqs:ReceiveMessage')).toEqual(['<families>']);
    expect(resourcesAllowed(statements, 'sqs:DeleteMessage')).toEqual(['<families>']);
    expect(statementsAllowing(statements, 'sqs:SendMessage')).toEqual([]);
    expect(PREFIXES.snapshotReports).toBe('reports/snapshots/');
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual([
      `<documents>/${PREFIXES.bankFiles}*`,
      `<documents>/${PREFIXES.bulogFiles}*`,
      `<documents>/${PREFIXES.snapshotReports}*`,
    ]);
    expect(statementsAllowing(statements, 's3:GetObject')).toEqual([]);
    expect(statementsAllowing(statements, 's3:PutObjectRetention')).toEqual([]);
    expect(resourcesAllowed(statements, 'dynamodb:UpdateItem')).toEqual(['<table>', '<table>/index/*']);
    const starActions = statements.filter((s) => resourcesOf(s).includes('*')).flatMap(actionsOf);
    expect(starActions.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('alarms on worker errors', () => {
    expect(propsOf(logicalIdOf(app.api.families.errorsAlarm))).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.families } }],
    });
  });
});

describe('KhbsApi: the work queues and their dead-letter queues', () => {
  const pairs = () =>
    [
      { spec: QUEUES.checks, queue: ids.checksQueue, dlq: ids.checksDlq },
      { spec: QUEUES.decree, queue: ids.decreeQueue, dlq: ids.decreeDlq },
      { spec: QUEUES.reconciliation, queue: ids.reconciliationQueue, dlq: ids.reconciliationDlq },
      { spec: QUEUES.families, queue: ids.familiesQueue, dlq: ids.familiesDlq },
    ] as const;

  it('has exactly the import failure queue, the four work queues and their DLQs', () => {
    expect(Object.keys(template.findResources('AWS::SQS::Queue')).sort()).toEqual(
      [
        ids.importFailures,
        ids.checksQueue,
        ids.checksDlq,
        ids.decreeQueue,
        ids.decreeDlq,
        ids.reconciliationQueue,
        ids.reconciliationDlq,
        ids.familiesQueue,
        ids.familiesDlq,
      ].sort(),
    );
    // One work queue (with its DLQ) per QUEUES entry that declares a dead letter.
    const workQueues = Object.values(QUEUES).filter((spec) => 'deadLetter' in spec);
    expect(pairs().map((p) => p.spec.id)).toEqual(workQueues.map((spec) => spec.id));
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

  it('alarms on any message in any DLQ, and on messages nobody takes', () => {
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
      'ReconciliationQueueUrl',
      'FamiliesQueueUrl',
      'FamiliesDeadLetterQueueUrl',
    ]) {
      template.hasOutput(name, {});
    }
  });
});

describe('KhbsApi: who may send to which queue', () => {
  it('no route sends to a queue or knows a queue URL: hand-offs go through the outbox', () => {
    for (const route of ROUTES) {
      const id = routeFunctionId(route);
      const { statements } = permissionsOf(template, id);
      expect(statementsAllowing(statements, 'sqs:SendMessage'), route.id).toEqual([]);
      // No route consumes a queue either.
      expect(statementsAllowing(statements, 'sqs:ReceiveMessage'), route.id).toEqual([]);
      expect(statementsAllowing(statements, 'sqs:DeleteMessage'), route.id).toEqual([]);
      const env = variables(id);
      for (const name of ['checks', 'decree', 'reconciliation', 'families'] as const) {
        expect(env[QUEUES[name].envVar], `${route.id} ${QUEUES[name].envVar}`).toBeUndefined();
      }
    }
  });

  it('the routes that hand work on write the table (their outbox item goes with the change)', () => {
    for (const id of ['SubmitProposal', 'DecideProposal', 'StartReconciliation']) {
      const route = ROUTES.find((r) => r.id === id);
      if (!route) throw new Error(`no ${id} route`);
      const { statements } = permissionsOf(template, routeFunctionId(route));
      expect(resourcesAllowed(statements, 'dynamodb:PutItem'), id).toEqual(['<table>', '<table>/index/*']);
    }
  });

  /** Every function's logical id with the queues (labels) its role may do `action` on. */
  function queueAccess(action: string): Map<string, string[]> {
    const access = new Map<string, string[]>();
    for (const id of Object.keys(template.findResources('AWS::Lambda::Function') as Resources)) {
      let statements: Statement[];
      try {
        statements = permissionsOf(template, id).statements;
      } catch {
        continue; // CDK's own helper functions
      }
      access.set(id, resourcesAllowed(statements, action));
    }
    return access;
  }

  it('nothing but the three import functions may send to the import failure queue', () => {
    const senders = [...queueAccess('sqs:SendMessage')]
      .filter(([, queues]) => queues.includes('<import-failures>'))
      .map(([id]) => id);
    expect(senders.sort()).toEqual([ids.bankReportFunction, ids.importFunction, ids.familyImport].sort());
  });

  it('nothing but the outbox relay sends to a work queue (the schedule sends through its queue policy)', () => {
    const relay = logicalIdOf(app.api.outboxRelay.function);
    const access = queueAccess('sqs:SendMessage');
    const senders = [...access].filter(([, queues]) =>
      queues.some((queue) => ['<checks>', '<decree>', '<reconciliation>', '<families>'].includes(queue)),
    );
    expect(Object.fromEntries(senders)).toEqual({
      [relay]: ['<checks>', '<decree>', '<families>', '<reconciliation>'],
    });
    // Nobody but a queue's own consumer reads it: the reconciliation job takes only its queue.
    const receivers = [...queueAccess('sqs:ReceiveMessage')].filter(([, queues]) => queues.length > 0);
    expect(Object.fromEntries(receivers)).toEqual({
      [ids.worker]: ['<checks>'],
      [ids.decreeWorker]: ['<decree>'],
      [ids.reconcile]: ['<reconciliation>'],
      [ids.families]: ['<families>'],
    });
    // Nothing sends to a dead-letter queue itself: SQS moves messages there, EventBridge through its policy.
    for (const [id, queues] of access) {
      expect(
        queues.filter((q) => q.endsWith('-dlq>')),
        id,
      ).toEqual([]);
    }
  });
});

describe('KhbsApi: the outbox relay', () => {
  const relayId = () => logicalIdOf(app.api.outboxRelay.function);

  it('the table streams new images, which the relay reads filtered to inserted outbox items', () => {
    const [table] = Object.values(app.statefulTemplate.findResources('AWS::DynamoDB::Table')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(table?.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    const mapping = mappingOf(relayId());
    expect(mapping).toMatchObject({
      StartingPosition: 'LATEST',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: RELAY_WORKER.streamRetryAttempts,
    });
    expect(JSON.stringify(mapping.EventSourceArn)).toMatch(/StreamArn/);
    const filters = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { pk: { S: [{ prefix: 'OUTBOX#' }] } } } },
    ]);
  });

  it('sweeps on a schedule what is still PENDING after the stream had its chance', () => {
    const [, rule] = onlyResource(template, 'AWS::Events::Rule', (props) =>
      JSON.stringify(props.Targets ?? []).includes(relayId()),
    );
    expect(rule.ScheduleExpression).toBe(`rate(${RELAY_WORKER.sweepEveryMinutes} minutes)`);
    const [target] = rule.Targets as { Input: string; RetryPolicy?: unknown }[];
    expect(JSON.parse(target?.Input ?? '{}')).toEqual({
      type: 'outbox.sweep',
      olderThanSeconds: RELAY_WORKER.sweepOlderThanSeconds,
    });
    expect(RELAY_WORKER.sweepOlderThanSeconds).toBeLessThan(RELAY_WORKER.sweepEveryMinutes * 60);
  });

  it('may send to the four work queues, read the PENDING index and mark outbox items, nothing more', () => {
    const { statements, managedPolicies } = permissionsOf(template, relayId());
    expect(managedPolicies).toEqual([]);
    expect(resourcesAllowed(statements, 'sqs:SendMessage')).toEqual([
      '<checks>',
      '<decree>',
      '<families>',
      '<reconciliation>',
    ]);
    const dynamo = statements.flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:'));
    expect(dynamo.filter((action) => !/Stream|GetRecords|GetShardIterator/.test(action)).sort()).toEqual([
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(resourcesAllowed(statements, 'dynamodb:Query')).toEqual(['<table>/index/gsi1']);
    const [update] = statementsAllowing(statements, 'dynamodb:UpdateItem');
    expect(update?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OUTBOX#*'] },
    });
    expect(statements.flatMap(actionsOf).filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(variables(relayId())).toMatchObject({
      [QUEUES.checks.envVar]: { Ref: ids.checksQueue },
      [QUEUES.decree.envVar]: { Ref: ids.decreeQueue },
      [QUEUES.reconciliation.envVar]: { Ref: ids.reconciliationQueue },
      [QUEUES.families.envVar]: { Ref: ids.familiesQueue },
    });
  });

  it('alarms when the relay throws', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: relayId() } }],
      MetricName: 'Errors',
    });
  });
});
