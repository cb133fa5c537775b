import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Capability,
  METRICS,
  METRICS_NAMESPACE,
  type MetricSpec,
  MONEY_ALARM_FINDINGS,
  SERVICE_NAME,
  TRACING_ENV,
} from '#shared/observability/metric-names.ts';
import {
  logicalIdOf,
  propertiesOf,
  SYNTH_TIMEOUT_MS,
  type SynthesizedApp,
  synthKhbsApp,
} from './support/khbs-app.ts';

/**
 * What the engineer on call gets in the deployed template: a dashboard per capability drawing every
 * business metric the functions publish (names from `shared/observability/metric-names.ts`, the
 * same module the functions record with), the functions' and queues' own metrics, and alarms on the
 * business metrics that notify the alarm topic.
 */
let app: SynthesizedApp;
let template: Template;

beforeAll(() => {
  app = synthKhbsApp();
  template = app.apiTemplate;
}, SYNTH_TIMEOUT_MS);

/**
 * A dashboard's body, parsed and serialised again: the template joins it from strings and
 * references (`Ref`, `Fn::GetAtt`), which stand here as the logical id they name.
 */
function bodyOf(capability: Capability): string {
  const dashboard = app.api.observability.dashboards.get(capability);
  if (!dashboard) throw new Error(`no ${capability} dashboard`);
  const body = propertiesOf(template, logicalIdOf(dashboard)).DashboardBody as {
    'Fn::Join': [string, unknown[]];
  };
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return token.Ref ?? token['Fn::GetAtt']?.[0] ?? '?';
    })
    .join('');
  return JSON.stringify(JSON.parse(text));
}

/** How a search expression names a metric, as it reads in the serialised body (quotes escaped). */
const searchFor = (spec: MetricSpec): string => `MetricName=\\"${spec.name}\\"`;

const CAPABILITIES: Capability[] = ['import', 'workflow', 'decree', 'reconciliation', 'families'];

describe('KhbsApi: dashboards and business alarms', () => {
  it('has one dashboard per capability, named for it', () => {
    const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
    const names = Object.values(dashboards).map((resource) => resource.Properties?.DashboardName);
    expect(names.sort()).toEqual(CAPABILITIES.map((capability) => `khbs-${capability}`).sort());
  });

  it("draws every business metric on its capability's dashboard, and none on another's", () => {
    for (const spec of Object.values(METRICS) as MetricSpec[]) {
      for (const capability of CAPABILITIES) {
        const body = bodyOf(capability);
        // A plain metric is drawn as ["KHBS", name, ...]; one with a dimension as a search for its name.
        const drawn =
          body.includes(`"${METRICS_NAMESPACE}","${spec.name}"`) || body.includes(searchFor(spec));
        expect({ metric: spec.name, capability, drawn }).toEqual({
          metric: spec.name,
          capability,
          drawn: spec.capability === capability,
        });
      }
    }
  });

  it('draws metrics with a dimension as a search over its values, in the namespace the functions publish to', () => {
    const body = bodyOf('import');
    expect(body).toContain(
      `SEARCH('{${METRICS_NAMESPACE},region,service} ${searchFor(METRICS.rowsImported)}'`,
    );
    expect(bodyOf('reconciliation')).toContain(
      `{${METRICS_NAMESPACE},kind,service} ${searchFor(METRICS.findings)}`,
    );
    expect(bodyOf('decree')).toContain(
      `"${METRICS_NAMESPACE}","${METRICS.decreeRenderTime.name}","service","${SERVICE_NAME}"`,
    );
  });

  it("shows each capability's functions and alarms beside its metrics", () => {
    const importBody = bodyOf('import');
    expect(importBody).toContain('"AWS/Lambda","Errors"');
    expect(importBody).toContain(logicalIdOf(app.api.importPipeline.function));
    expect(importBody).toContain(logicalIdOf(app.api.importPipeline.errorsAlarm));
    expect(bodyOf('decree')).toContain(logicalIdOf(app.api.decree.deadLetterAlarm));
    expect(bodyOf('workflow')).toContain('"AWS/SQS","ApproximateAgeOfOldestMessage"');
    // The family programme: both functions, its queue and its alarms on a dashboard of its own.
    const families = bodyOf('families');
    for (const construct of [
      app.api.families.importFunction,
      app.api.families.function,
      app.api.families.queue,
      app.api.families.importErrorsAlarm,
      app.api.families.deadLetterAlarm,
    ]) {
      expect(families).toContain(logicalIdOf(construct));
    }
  });

  it('alarms on files never imported, lists stuck, hand-offs undelivered, decree PDFs and pre-flights, money findings', () => {
    const { observability } = app.api;
    const alarm = (construct: Parameters<typeof logicalIdOf>[0]) =>
      propertiesOf(template, logicalIdOf(construct));
    const single = [
      [observability.uploadsNotImportedAlarm, METRICS.uploadsNotImported, 1],
      [observability.proposalsStuckAlarm, METRICS.proposalsStuck, 1],
      [observability.decreePdfAlarm, METRICS.decreePdfProblems, 1],
      [observability.decreePreflightAlarm, METRICS.decreePreflightFailures, 1],
      [observability.handoffsStuckAlarm, METRICS.oldestPendingHandoff, 900],
    ] as const;
    for (const [construct, spec, threshold] of single) {
      const properties = alarm(construct);
      expect(properties).toMatchObject({
        Namespace: METRICS_NAMESPACE,
        MetricName: spec.name,
        Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
        Threshold: threshold,
        TreatMissingData: 'notBreaching',
      });
      expect(properties.AlarmActions).toHaveLength(1);
      expect(properties.OKActions).toHaveLength(1);
      expect(String(properties.AlarmDescription)).toContain('On call');
    }
    const money = alarm(observability.moneyFindingsAlarm);
    const kinds = (
      money.Metrics as { MetricStat?: { Metric: { Dimensions: { Name: string; Value: string }[] } } }[]
    )
      .flatMap((metric) => metric.MetricStat?.Metric.Dimensions ?? [])
      .filter((dimension) => dimension.Name === 'kind')
      .map((dimension) => dimension.Value);
    expect(kinds.sort()).toEqual([...MONEY_ALARM_FINDINGS].sort());
    expect(money.Threshold).toBe(1);
    expect(money.AlarmActions).toHaveLength(1);
  });

  it('traces every function with X-Ray and tells it to load Powertools Tracer', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([, resource]) => resource.Properties?.Runtime === 'nodejs24.x',
    );
    expect(functions.length).toBeGreaterThan(20);
    const untraced = functions
      .filter(
        ([, resource]) =>
          resource.Properties?.TracingConfig?.Mode !== 'Active' ||
          resource.Properties?.Environment?.Variables?.[TRACING_ENV.name] !== TRACING_ENV.active,
      )
      .map(([id]) => id);
    expect(untraced).toEqual([]);
  });

  it('has every alarm of the stack explained in the README\'s "On call" table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const onCall = readme.slice(readme.indexOf('## On call'), readme.indexOf('## Layout'));
    expect(onCall.length).toBeGreaterThan(1000);
    const alarms = app.api.node.findAll().filter((construct) => construct instanceof Alarm);
    expect(alarms.length).toBeGreaterThan(15);
    const missing = [...new Set(alarms.map((alarm) => alarm.node.id.replace(/\d+$/, '')))].filter(
      (id) => !onCall.includes(id),
    );
    expect(missing).toEqual([]);
  });

  it(
    'with khbs:tracing = workers, leaves the API routes untraced (and the Tracer unloaded), the workers traced',
    () => {
      const workersOnly = synthKhbsApp({ context: { 'khbs:tracing': 'workers' } });
      const byId = workersOnly.apiTemplate.findResources('AWS::Lambda::Function');
      const mode = (fn: Parameters<typeof logicalIdOf>[0]) => {
        const properties = byId[logicalIdOf(fn)]?.Properties;
        return {
          tracing: properties?.TracingConfig?.Mode,
          loadsTracer: properties?.Environment?.Variables?.[TRACING_ENV.name] === TRACING_ENV.active,
        };
      };
      const routes = [...workersOnly.api.httpApi.functions.values()];
      expect(routes.length).toBeGreaterThan(15);
      for (const route of routes) expect(mode(route)).toEqual({ tracing: 'PassThrough', loadsTracer: false });
      for (const worker of [
        workersOnly.api.checks.function,
        workersOnly.api.decree.function,
        workersOnly.api.importPipeline.function,
      ]) {
        expect(mode(worker)).toEqual({ tracing: 'Active', loadsTracer: true });
      }
      expect(() => synthKhbsApp({ context: { 'khbs:tracing': 'some' } })).toThrow(/khbs:tracing/);
    },
    SYNTH_TIMEOUT_MS,
  );
});
