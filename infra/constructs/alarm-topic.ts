import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /**
   * Addresses that receive every alarm (and its return to OK) by e-mail; each confirms once.
   * Prefer a team mailbox to a person's: the list lives in `cdk.json`.
   * @default [] (the topic exists; subscribe later, or add a chat or paging integration)
   */
  readonly emails?: readonly string[];
}

/**
 * Where every alarm of the app notifies: one SNS topic, encrypted with its own KMS key (rotated)
 * and TLS-only. CloudWatch may use the key and publish, for alarms of this account and region only.
 * `action` is what alarms take as their alarm and OK action.
 */
export class AlarmTopic extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;
  public readonly action: IAlarmAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new Key(this, 'Key', {
      description: 'KHBS BKK: encrypts alarm notifications on the alarm topic',
      enableKeyRotation: true,
      // The key protects nothing at rest beyond SNS's short delivery window: it goes with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // An encrypted topic receives nothing from CloudWatch unless CloudWatch may use its key (the
    // AWS-managed alias/aws/sns key does not allow it). The key is this topic's alone, so the grant
    // reaches no other data; the topic policy below confines publishing to this account's alarms.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: 'KHBS BKK alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one, so CloudWatch must be let in explicitly; only for
    // alarms of this account and region (no confused deputy).
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );

    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new EmailSubscription(email));
    }
    if ((props.emails ?? []).length === 0) {
      // Said at every synth and deploy, so "nobody is told" is never a surprise after go-live.
      Annotations.of(this).addWarningV2(
        'khbs:alarms-nobody',
        'No alarm recipients: every alarm notifies a topic nobody subscribes to. Set khbs:alarms.emails in cdk.json (or subscribe the AlarmTopicArn output) before go-live.',
      );
    }
    this.action = new SnsAction(this.topic);
  }
}
