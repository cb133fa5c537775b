import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type Capability,
  METRICS,
  METRICS_NAMESPACE,
  type MetricSpec,
  MONEY_ALARM_FINDINGS,
  SERVICE_NAME,
} from '#shared/observability/metric-names.ts';
import { notify } from './alarms.ts';

const FIVE_MINUTES = Duration.minutes(5);

/** A business metric as the functions publish it (`service` and, when given, its dimension's value). */
export function businessMetric(
  spec: MetricSpec,
  options: { readonly dimensionValue?: string; readonly statistic?: string; readonly period?: Duration } = {},
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: spec.name,
    dimensionsMap: {
      service: SERVICE_NAME,
      ...(spec.dimension && options.dimensionValue ? { [spec.dimension]: options.dimensionValue } : {}),
    },
    statistic: options.statistic ?? (spec.unit === 'Count' ? Stats.SUM : Stats.p(90)),
    period: options.period ?? FIVE_MINUTES,
  });
}

/**
 * A metric with a dimension drawn once per value seen (every region, every kind): a CloudWatch
 * search, so a new region needs no change here.
 */
function perDimension(spec: MetricSpec): IMetric {
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${spec.dimension},service} MetricName="${spec.name}"', 'Sum', 300)`,
    label: spec.name,
    period: FIVE_MINUTES,
    usingMetrics: {},
  });
}

/** What a dashboard draws for one business metric: per region or kind if it has one. */
const widgetMetric = (spec: MetricSpec): IMetric =>
  spec.dimension ? perDimension(spec) : businessMetric(spec);

export interface CapabilityFunctions {
  readonly import: readonly IFunction[];
  readonly workflow: readonly IFunction[];
  readonly decree: readonly IFunction[];
  readonly reconciliation: readonly IFunction[];
  readonly families: readonly IFunction[];
}

export interface ObservabilityProps {
  /** Where every alarm notifies. */
  readonly alarmAction: IAlarmAction;
  /** The functions each capability's dashboard shows (invocations, errors, duration, throttles). */
  readonly functions: CapabilityFunctions;
  /** The queues each capability's dashboard shows (oldest message, dead letters). */
  readonly queues: Partial<Record<Capability, readonly IQueue[]>>;
  /** The alarms that already exist (function errors, dead letters, ...), shown beside each dashboard's own. */
  readonly alarms: Partial<Record<Capability, readonly IAlarm[]>>;
}

const TITLES: Readonly<Record<Capability, string>> = {
  import: 'Import: regional files to recipient lists',
  workflow: 'Workflow: checks, sign-offs, hand-offs',
  decree: 'Decree: SK Gubernur numbered and rendered',
  reconciliation: 'Reconciliation: bank reports against decrees',
  families: 'Families: DTSEN files, snapshot cross-checks, eligibility',
};

/**
 * What the engineer on call looks at (README "On call"): one CloudWatch dashboard per capability
 * (its business metrics, its functions, its queues, its alarms' states) and the alarms on business
 * metrics that no function error would raise: files never imported, lists stuck, hand-offs not
 * delivered, decree PDFs missing or altered, decrees held back by their pre-flight, and money paid
 * where it should not have been.
 */
export class Observability extends Construct {
  public readonly dashboards: ReadonlyMap<Capability, Dashboard>;
  public readonly uploadsNotImportedAlarm: Alarm;
  public readonly proposalsStuckAlarm: Alarm;
  public readonly handoffsStuckAlarm: Alarm;
  public readonly decreePdfAlarm: Alarm;
  public readonly decreePreflightAlarm: Alarm;
  public readonly moneyFindingsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const hourly = { period: Duration.hours(1), statistic: Stats.MAXIMUM };
    const atLeastOnce = (alarmId: string, description: string, metric: IMetric, evaluationPeriods = 1) =>
      notify(
        new Alarm(this, alarmId, {
          alarmDescription: description,
          metric,
          threshold: 1,
          evaluationPeriods,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        props.alarmAction,
      );

    this.uploadsNotImportedAlarm = atLeastOnce(
      'UploadsNotImportedAlarm',
      'The hourly watchdog found files in the uploads bucket with no import result (a lost S3 event or an import that crashed); it has handed them to their import again. README "On call".',
      businessMetric(METRICS.uploadsNotImported, hourly),
    );
    this.proposalsStuckAlarm = atLeastOnce(
      'ProposalsStuckAlarm',
      'The hourly watchdog found lists waiting in one status past its limit (checks never finished, an agency or the approver has not signed). README "On call".',
      businessMetric(METRICS.proposalsStuck, hourly),
    );
    this.decreePdfAlarm = atLeastOnce(
      'DecreePdfAlarm',
      'The hourly watchdog found an issued decree whose PDF is missing or differs from its recorded SHA-256: the signed document may have been altered. README "On call".',
      businessMetric(METRICS.decreePdfProblems, hourly),
    );
    this.decreePreflightAlarm = atLeastOnce(
      'DecreePreflightAlarm',
      'An approved list\'s decree was held back by its pre-flight (settings, rates or a recipient the decree cannot print); GET /proposals/{id} shows the reason. README "On call".',
      businessMetric(METRICS.decreePreflightFailures),
    );
    this.handoffsStuckAlarm = notify(
      new Alarm(this, 'HandoffsStuckAlarm', {
        alarmDescription:
          'A hand-off (checks, decree, reconciliation or family job) has waited in the outbox for over 15 minutes: the relay cannot send to SQS. README "On call".',
        metric: businessMetric(METRICS.oldestPendingHandoff, { statistic: Stats.MAXIMUM }),
        threshold: 15 * 60,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      props.alarmAction,
    );
    const moneyMetrics = Object.fromEntries(
      MONEY_ALARM_FINDINGS.map((kind, index) => [
        `f${index}`,
        businessMetric(METRICS.findings, { dimensionValue: kind, period: Duration.hours(1) }),
      ]),
    );
    this.moneyFindingsAlarm = atLeastOnce(
      'MoneyFindingsAlarm',
      `A reconciliation run found money paid where it should not have been (${MONEY_ALARM_FINDINGS.join(', ')}): open the run's report (GET /reconciliations/{runId}). README "On call".`,
      new MathExpression({
        expression: Object.keys(moneyMetrics).join(' + '),
        usingMetrics: moneyMetrics,
        period: Duration.hours(1),
        label: 'money findings',
      }),
    );

    const own: Readonly<Record<Capability, readonly IAlarm[]>> = {
      import: [this.uploadsNotImportedAlarm],
      workflow: [this.proposalsStuckAlarm, this.handoffsStuckAlarm],
      decree: [this.decreePdfAlarm, this.decreePreflightAlarm],
      reconciliation: [this.moneyFindingsAlarm],
      // No business alarm of its own yet: its functions' errors and its DLQ (`./family-pipeline.ts`).
      families: [],
    };
    const dashboards = new Map<Capability, Dashboard>();
    for (const capability of Object.keys(TITLES) as Capability[]) {
      const specs = Object.values(METRICS).filter((spec: MetricSpec) => spec.capability === capability);
      const dashboard = new Dashboard(this, `${capitalised(capability)}Dashboard`, {
        dashboardName: `khbs-${capability}`,
        defaultInterval: Duration.days(7),
      });
      dashboard.addWidgets(
        new TextWidget({
          markdown: `# ${TITLES[capability]}\nWhat each alarm means and what to do: README, "On call".`,
          width: 24,
          height: 2,
        }),
        new AlarmStatusWidget({
          title: 'Alarms',
          alarms: [...own[capability], ...(props.alarms[capability] ?? [])],
          width: 24,
          height: 3,
        }),
      );
      dashboard.addWidgets(
        ...specs.map(
          (spec) =>
            new GraphWidget({
              title: `${spec.name}: ${spec.description}`,
              left: [widgetMetric(spec)],
              width: 8,
              height: 6,
            }),
        ),
      );
      const fns = props.functions[capability];
      dashboard.addWidgets(
        new GraphWidget({
          title: 'Invocations and errors',
          left: fns.flatMap((fn) => [
            fn.metricInvocations({ period: FIVE_MINUTES }),
            fn.metricErrors({ period: FIVE_MINUTES }),
          ]),
          width: 8,
          height: 6,
        }),
        new GraphWidget({
          title: 'Duration (p90)',
          left: fns.map((fn) => fn.metricDuration({ period: FIVE_MINUTES, statistic: Stats.p(90) })),
          width: 8,
          height: 6,
        }),
        new GraphWidget({
          title: 'Throttles',
          left: fns.map((fn) => fn.metricThrottles({ period: FIVE_MINUTES })),
          width: 8,
          height: 6,
        }),
      );
      const queues = props.queues[capability] ?? [];
      if (queues.length > 0) {
        dashboard.addWidgets(
          new GraphWidget({
            title: 'Oldest message waiting (s)',
            left: queues.map((queue) => queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES })),
            width: 12,
            height: 6,
          }),
          new GraphWidget({
            title: 'Messages waiting',
            left: queues.map((queue) =>
              queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES }),
            ),
            width: 12,
            height: 6,
          }),
        );
      }
      dashboards.set(capability, dashboard);
    }
    this.dashboards = dashboards;
  }
}

const capitalised = (word: string): string => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
