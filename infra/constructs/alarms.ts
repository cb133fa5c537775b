import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The two alarms every asynchronous capability needs, in one shape each, and how every alarm
 * notifies (`notify`).
 */

/** Any error of the function in five minutes. */
export function functionErrorsAlarm(
  scope: Construct,
  fn: IFunction,
  description: string,
  action?: IAlarmAction,
  id = 'ErrorsAlarm',
): Alarm {
  return notify(
    new Alarm(scope, id, {
      alarmDescription: description,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    action,
  );
}

/** Any message waiting on a queue that should stay empty (a dead-letter or failure queue). */
export function queueNotEmptyAlarm(
  scope: Construct,
  id: string,
  queue: IQueue,
  description: string,
  action?: IAlarmAction,
): Alarm {
  return notify(
    new Alarm(scope, id, {
      alarmDescription: description,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    action,
  );
}

/**
 * The alarm notifies `action` when it fires and again when it returns to OK, so whoever was told
 * of a problem also learns that it is over. No action: the alarm is visible in CloudWatch only.
 */
export function notify(alarm: Alarm, action: IAlarmAction | undefined): Alarm {
  if (action) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
  return alarm;
}
