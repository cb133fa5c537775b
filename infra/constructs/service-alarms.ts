import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { type IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { notify } from './alarms.ts';
import type { KhbsHttpApi } from './khbs-http-api.ts';

/** A metric math alarm may reference at most 10 metrics (a hard CloudWatch limit). */
export const METRICS_PER_MATH_ALARM = 10;

const PERIOD = Duration.minutes(5);

export interface ServiceAlarmsProps {
  /** The HTTP API and its route functions. */
  readonly httpApi: KhbsHttpApi;
  /** Where every alarm notifies (and notifies again when it is OK). */
  readonly alarmAction: IAlarmAction;
  /**
   * Share of requests in five minutes answered with a 5xx above which the API alarms, in percent.
   * @default 5
   */
  readonly serverErrorRatePercent?: number;
}

/**
 * The alarms of the API as a whole (the queue workers and the imports bring their own):
 * - the HTTP API's 5xx rate over five minutes;
 * - any error (crash, timeout, out of memory) of a route function, summed over the routes, at most
 *   ten functions per alarm (CloudWatch's limit for metric math): a route that fails this way
 *   answers 500 without a body of ours;
 * - any Lambda throttle in the account and region: concurrency is one pool for every function
 *   (a new account's may be 10), so a throttle anywhere means some request or event waited or failed.
 */
export class ServiceAlarms extends Construct {
  public readonly serverErrorRateAlarm: Alarm;
  public readonly routeErrorsAlarms: readonly Alarm[];
  public readonly throttlesAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const { api } = props.httpApi;
    const threshold = props.serverErrorRatePercent ?? 5;

    this.serverErrorRateAlarm = notify(
      new Alarm(this, 'ServerErrorRateAlarm', {
        alarmDescription:
          `More than ${threshold}% of the API's requests in five minutes were answered with a 5xx ` +
          '(an uncaught error, a timeout, a throttled or failing integration). Check the access log and the route functions.',
        metric: new MathExpression({
          expression: 'IF(requests > 0, 100 * errors / requests, 0)',
          usingMetrics: {
            errors: api.metricServerError({ period: PERIOD, statistic: Stats.SUM }),
            requests: api.metricCount({ period: PERIOD, statistic: Stats.SUM }),
          },
          period: PERIOD,
          label: '5xx rate (%)',
        }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No requests, no data: nothing is failing.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      props.alarmAction,
    );

    const routeFunctions = [...props.httpApi.functions.entries()];
    const groups = chunk(routeFunctions, METRICS_PER_MATH_ALARM);
    this.routeErrorsAlarms = groups.map((group, index) => {
      const names = group.map(([routeId]) => routeId);
      return notify(
        new Alarm(this, `RouteErrorsAlarm${index + 1}`, {
          alarmDescription:
            `A route function threw, timed out or ran out of memory (one of: ${names.join(', ')}). ` +
            'Its request was answered with a 500; see the function logs.',
          metric: sumOf(group.map(([, fn]) => fn)),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        props.alarmAction,
      );
    });

    this.throttlesAlarm = notify(
      new Alarm(this, 'ThrottlesAlarm', {
        alarmDescription:
          'Lambda throttled at least one invocation in this account and region: the concurrency limit (or a ' +
          "function's reserved concurrency) was reached. API callers got error answers; S3 and SQS events are retried. " +
          'Consider a concurrency quota increase.',
        metric: LambdaFunction.metricAllThrottles({ period: PERIOD, statistic: Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      props.alarmAction,
    );
  }
}

/** The errors of up to ten functions, summed per period (a function without data counts as none). */
function sumOf(functions: readonly IFunction[]): IMetric {
  const usingMetrics: Record<string, IMetric> = {};
  functions.forEach((fn, index) => {
    usingMetrics[`e${index}`] = fn.metricErrors({ period: PERIOD, statistic: Stats.SUM });
  });
  return new MathExpression({
    expression: 'SUM(METRICS())',
    usingMetrics,
    period: PERIOD,
    label: 'Route function errors',
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
