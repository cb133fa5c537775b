import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PREFIXES } from '#shared/resources.ts';
import { WATCHDOG_FUNCTION } from '../../functions/api/routes.ts';
import { WATCHDOG_JOB } from '../../infra/workers.ts';
import {
  actionsOf,
  flatResource,
  getAttTarget,
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
 * The pipeline watchdog as deployed: its function, its own schedule invoking it directly (no queue),
 * exactly the grants it needs (table read, the uploads bucket's three import prefixes listed, decree
 * PDFs read, its report prefix written, the three imports invoked) and its errors alarm.
 */

let app: SynthesizedApp;
let template: Template;
let labels: Record<string, string>;
let ids: {
  watchdog: string;
  rule: string;
  importFunction: string;
  bankReportFunction: string;
  familyImportFunction: string;
};

beforeAll(() => {
  app = synthKhbsApp();
  template = app.apiTemplate;
  const { watchdog, importPipeline, families } = app.api;
  ids = {
    watchdog: logicalIdOf(watchdog.function),
    rule: logicalIdOf(watchdog.rule),
    importFunction: logicalIdOf(importPipeline.function),
    bankReportFunction: logicalIdOf(importPipeline.bankReportFunction),
    familyImportFunction: logicalIdOf(families.importFunction),
  };
  labels = {
    ...statefulLabels(app),
    [ids.importFunction]: 'import-function',
    [ids.bankReportFunction]: 'bank-report-function',
    [ids.familyImportFunction]: 'family-import-function',
  };
}, SYNTH_TIMEOUT_MS);

const propsOf = (id: string) => propertiesOf(template, id);
function resourcesAllowed(statements: Statement[], action: string): string[] {
  return statementsAllowing(statements, action)
    .flatMap((s) => resourcesOf(s).map((r) => flatResource(r, labels)))
    .sort();
}

describe('KhbsApi: the pipeline watchdog', () => {
  it('runs the watchdog handler with its settings and the names of the imports it re-drives into', () => {
    expect(app.api.watchdog.function.node.id).toBe(WATCHDOG_FUNCTION.id);
    expect(propsOf(ids.watchdog)).toMatchObject({
      Runtime: 'nodejs24.x',
      Timeout: WATCHDOG_JOB.timeoutSeconds,
      MemorySize: WATCHDOG_JOB.memoryMb,
    });
    const variables = (propsOf(ids.watchdog).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({
      IMPORT_FUNCTION_NAME: { Ref: ids.importFunction },
      DISBURSEMENT_FUNCTION_NAME: { Ref: ids.bankReportFunction },
    });
  });

  it('is invoked hourly by its own EventBridge rule, directly (no queue), with the scheduled event as is', () => {
    expect(WATCHDOG_JOB.everyMinutes).toBe(60);
    const rule = propsOf(ids.rule);
    expect(rule.ScheduleExpression).toBe('rate(1 hour)');
    expect(rule.State).toBe('ENABLED');
    const targets = rule.Targets as Record<string, unknown>[];
    expect(targets).toHaveLength(1);
    const [target] = targets;
    expect(getAttTarget(target?.Arn)).toBe(ids.watchdog);
    expect(target?.Input).toBeUndefined();
    // An undelivered event is not kept past the next run, which does the same work.
    expect(target?.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
    // EventBridge may invoke it, from this rule only (the only other function it invokes is the
    // outbox relay, from its sweep rule).
    const fromEvents = Object.values(template.findResources('AWS::Lambda::Permission') as Resources)
      .map((r) => r.Properties ?? {})
      .filter((p) => p.Principal === 'events.amazonaws.com');
    const relay = logicalIdOf(app.api.outboxRelay.function);
    expect(fromEvents.map((p) => getAttTarget(p.FunctionName)).sort()).toEqual([ids.watchdog, relay].sort());
    const mine = fromEvents.filter((p) => getAttTarget(p.FunctionName) === ids.watchdog);
    expect(mine.map((p) => p.SourceArn)).toEqual([{ 'Fn::GetAtt': [ids.rule, 'Arn'] }]);
    // No event source mapping: no queue in between.
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping') as Resources);
    expect(mappings.filter((m) => getAttTarget(m.Properties?.FunctionName) === ids.watchdog)).toEqual([]);
  });

  it('reads the table, writes none of it, and sends to no queue', () => {
    const { statements, managedPolicies } = permissionsOf(template, ids.watchdog);
    expect(managedPolicies).toEqual([]);
    expect(resourcesAllowed(statements, 'dynamodb:Query')).toEqual(['<table>', '<table>/index/*']);
    for (const action of [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ]) {
      expect(statementsAllowing(statements, action), action).toEqual([]);
    }
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('sqs:'))).toEqual([]);
  });

  it('lists only the three import prefixes of the uploads bucket, reads only decree PDFs, puts only under reports/watchdog/', () => {
    const { statements } = permissionsOf(template, ids.watchdog);
    const listings = statementsAllowing(statements, 's3:ListBucket') as (Statement & {
      Condition?: unknown;
    })[];
    const uploads = listings.filter((s) =>
      resourcesOf(s).some((r) => flatResource(r, labels) === '<uploads>'),
    );
    expect(uploads).toHaveLength(1);
    expect(uploads[0]?.Condition).toEqual({
      StringLike: {
        's3:prefix': [`${PREFIXES.uploads}*`, `${PREFIXES.disbursements}*`, `${PREFIXES.imports}*`],
      },
    });
    expect(resourcesAllowed(statements, 's3:ListBucket')).toEqual(['<documents>', '<uploads>']);
    // No file of the uploads bucket is read: the imports read them, when re-driven.
    expect(resourcesAllowed(statements, 's3:GetObject')).toEqual([`<documents>/${PREFIXES.decrees}*`]);
    expect(PREFIXES.watchdogReports).toBe('reports/watchdog/');
    expect(resourcesAllowed(statements, 's3:PutObject')).toEqual([
      `<documents>/${PREFIXES.watchdogReports}*`,
    ]);
    const s3Actions = statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:'));
    expect(s3Actions.filter((a) => /Delete|Bypass|PutBucket|Retention|LegalHold/.test(a))).toEqual([]);
    const starActions = statements.filter((s) => resourcesOf(s).includes('*')).flatMap(actionsOf);
    expect(starActions.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('may invoke exactly the three imports (and their versions), nothing else', () => {
    const { statements } = permissionsOf(template, ids.watchdog);
    expect(resourcesAllowed(statements, 'lambda:InvokeFunction')).toEqual([
      '<bank-report-function>',
      '<bank-report-function>:*',
      '<family-import-function>',
      '<family-import-function>:*',
      '<import-function>',
      '<import-function>:*',
    ]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('lambda:'))).toEqual([
      'lambda:InvokeFunction',
    ]);
  });

  it('alarms on job errors, to the stack’s alarm topic', () => {
    const alarm = propsOf(logicalIdOf(app.api.watchdog.errorsAlarm));
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.watchdog } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
    expect(alarm.AlarmActions).toEqual([{ Ref: logicalIdOf(app.api.alarmTopic.topic) }]);
  });
});
