import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  INTEGRATION_SUBSCRIPTIONS,
  type FilterPolicy,
  type IntegrationSubscriberName,
} from '../src/application/integration/integration-subscriptions.js';

/** Receives of a subscriber's message before it moves to the subscriber's DLQ. */
export const SUBSCRIBER_MAX_RECEIVE_COUNT = 5;
/** Dead letters are kept the longest SQS allows, so there is time to look and redrive. */
const DLQ_RETENTION = Duration.days(14);
/** How far behind the events table the integration publisher may fall before someone is paged. */
export const INTEGRATION_ITERATOR_AGE_THRESHOLD_MS = 60_000;

export interface IntegrationSubscriber {
  readonly queue: sqs.Queue;
  /** The subscriber's dead letters: messages SNS could not deliver and messages its consumer failed on. */
  readonly dlq: sqs.Queue;
  readonly subscription: sns.Subscription;
}

/** The shared FilterPolicy (src/application/integration) as CDK's filter objects: the same conditions, verbatim. */
export const cdkFilterPolicy = (policy: FilterPolicy): Record<string, sns.SubscriptionFilter> =>
  Object.fromEntries(
    Object.entries(policy).map(([key, conditions]) => [key, new sns.SubscriptionFilter([...conditions])]),
  );

/**
 * Integration events out (docs/INTEGRATION.md): the SNS FIFO topic the `integration-publisher`
 * function publishes to, encrypted with a key of its own and reachable over TLS only; the example
 * subscribers of `INTEGRATION_SUBSCRIPTIONS` (each an SQS FIFO queue with raw message delivery, a
 * filter policy and a DLQ that also takes SNS's undeliverable messages); the on-failure queue of
 * the publisher's stream mapping. `restrictPublishing` narrows the topic policy to the publisher.
 */
export class Integration extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  readonly subscribers: Record<IntegrationSubscriberName, IntegrationSubscriber>;
  /** On-failure destination of the publisher's DynamoDB stream mapping (records that exhausted their retries). */
  readonly streamFailures: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'TopicKey', {
      description: 'Stampede integration topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Stampede integration events',
      fifo: true,
      // Explicit ids (stream id + version): a redelivered stream record publishes nothing new.
      contentBasedDeduplication: false,
      // High-throughput FIFO: regional limits instead of 3,000 messages/s per topic, and deduplication
      // per message group — the same thing here, since every deduplication id names its group (its stream).
      fifoThroughputScope: sns.FifoThroughputScope.MESSAGE_GROUP,
      masterKey: this.key,
      enforceSSL: true,
    });
    const account = Stack.of(this).account;
    // Subscribing is for this account's stacks (the subscriptions below); nobody outside may add one.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SubscribersFromThisAccountOnly',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Subscribe'],
        resources: [this.topic.topicArn],
        conditions: { StringNotEquals: { 'aws:PrincipalAccount': account } },
      }),
    );

    const fifoDlq = (qid: string): sqs.Queue =>
      new sqs.Queue(this, qid, {
        fifo: true,
        retentionPeriod: DLQ_RETENTION,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    const subscriber = (name: IntegrationSubscriberName): IntegrationSubscriber => {
      const spec = INTEGRATION_SUBSCRIPTIONS[name];
      const cid = name.charAt(0).toUpperCase() + name.slice(1);
      const dlq = fifoDlq(`${cid}Dlq`);
      const queue = new sqs.Queue(this, `${cid}Queue`, {
        fifo: true,
        contentBasedDeduplication: false,
        // SQS FIFO drops a repeated dedup id too, per message group (the topic already did, topic-wide).
        deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
        fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
        deadLetterQueue: { queue: dlq, maxReceiveCount: SUBSCRIBER_MAX_RECEIVE_COUNT },
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // SqsSubscription adds the queue policies: sns.amazonaws.com may SendMessage to the queue and the
      // DLQ, from this topic only (aws:SourceArn) — no other principal gets anything.
      const subscription = this.topic.addSubscription(
        new subscriptions.SqsSubscription(queue, {
          rawMessageDelivery: spec.rawMessageDelivery,
          filterPolicy: cdkFilterPolicy(spec.filterPolicy),
          deadLetterQueue: dlq,
        }),
      );
      return { queue, dlq, subscription };
    };
    this.subscribers = { payments: subscriber('payments'), notifications: subscriber('notifications') };

    this.streamFailures = new sqs.Queue(this, 'PublisherFailures', {
      retentionPeriod: DLQ_RETENTION,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /**
   * Least privilege on the topic itself: only `publisher` may publish (its role also holds the
   * IAM grant); any other principal, even one with sns:* in its own policy, is denied.
   */
  restrictPublishing(publisher: lambda.IFunction): void {
    const role = publisher.role;
    if (role === undefined) throw new Error('the integration publisher has no role');
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheIntegrationPublisherPublishes',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } },
      }),
    );
  }

  /** Every dead-letter destination of the feature, for the DLQ-depth alarms. */
  deadLetterQueues(): Record<string, sqs.Queue> {
    return {
      PaymentsDlq: this.subscribers.payments.dlq,
      NotificationsDlq: this.subscribers.notifications.dlq,
      IntegrationPublisherFailures: this.streamFailures,
    };
  }

  /** Alarms beyond DLQ depth: SNS could not deliver, and the publisher falls behind the events table. */
  addAlarms(alarmTopic: sns.ITopic, publisher: lambda.IFunction): cloudwatch.Alarm[] {
    const notify = new actions.SnsAction(alarmTopic);
    const alarm = (aid: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const a = new cloudwatch.Alarm(this, aid, props);
      a.addAlarmAction(notify);
      a.addOkAction(notify);
      return a;
    };
    return [
      alarm('DeliveryFailures', {
        alarmDescription:
          'SNS failed to deliver integration events to a subscriber queue (after its retries they land in that subscriber’s DLQ): check the queue policy and the subscription (docs/INTEGRATION.md).',
        metric: this.topic.metricNumberOfNotificationsFailed({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.SUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarm('PublisherIteratorAge', {
        alarmDescription: `The integration publisher is more than ${INTEGRATION_ITERATOR_AGE_THRESHOLD_MS / 1000} s behind the events table: check its errors and SNS throttling.`,
        metric: publisher.metric('IteratorAge', { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: INTEGRATION_ITERATOR_AGE_THRESHOLD_MS,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
  }
}
