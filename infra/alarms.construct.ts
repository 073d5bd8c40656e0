import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * How far behind a stream consumer may fall before someone is paged. The live feed is what
 * viewers see, so 30 s of lag is already an incident; recommendations tolerate a minute.
 */
export const ITERATOR_AGE_THRESHOLD_MS = {
  feed: 30_000,
  recommend: 60_000,
  relay: 30_000,
  // A beat older than the TTL (15 s) no longer counts: past that, viewers drop out of the count.
  beaconLog: 10_000,
  presence: 10_000,
} as const;

export interface AlarmsProps {
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly streams: {
    readonly feed: kinesis.IStream;
    readonly recommend: kinesis.IStream;
    /** The beacon presence path (presenceIngress=beacon). */
    readonly beaconLog?: kinesis.IStream;
    readonly presence?: kinesis.IStream;
  };
  /** The DynamoDB-stream consumer: its IteratorAge is the only lag metric that stream has. */
  readonly relay: lambda.IFunction;
  readonly alarmEmail?: string;
  /** The AppSync Event API (appsync-events broadcaster): its HTTP publish errors are alarmed. */
  readonly eventApiId?: string;
}

/** One alarm per DLQ (any message is an incident: it is work that did not happen) and per stream lag. */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    // A key of its own: CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed
    // aws/sns key (its policy cannot be changed to let cloudwatch.amazonaws.com use it).
    this.key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Stampede alarm topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Stampede alarms',
      enforceSSL: true,
      masterKey: this.key,
    });
    if (props.alarmEmail !== undefined)
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);
    const add = (alarmId: string, alarmProps: cloudwatch.AlarmProps): void => {
      const alarm = new cloudwatch.Alarm(this, alarmId, alarmProps);
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      this.alarms.push(alarm);
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(`${name}Depth`, {
        alarmDescription: name.endsWith('Failures')
          ? `${name} has messages: stream records failed for good. Each message names a shard and a sequence-number range, not the records: fix the cause, then replay them from the stream within its 24 h retention, or re-relay from the events table (docs/DEPLOY.md, Operating).`
          : `${name} has messages: records failed for good. Inspect them, fix the cause, then redrive (npm run redrive, docs/DEPLOY.md).`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const lag = (alarmId: string, what: string, metric: cloudwatch.IMetric, thresholdMs: number): void =>
      add(alarmId, {
        alarmDescription: `${what} is more than ${thresholdMs / 1000} s behind: raise shards/parallelization, check consumer errors and throttles.`,
        metric,
        threshold: thresholdMs,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const oneMinuteMax = { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM };
    const consumers = [
      ['FeedIteratorAge', 'The live-feed stream consumer (fanout)', props.streams.feed, ITERATOR_AGE_THRESHOLD_MS.feed],
      [
        'RecommendIteratorAge',
        'The recommendation stream consumer',
        props.streams.recommend,
        ITERATOR_AGE_THRESHOLD_MS.recommend,
      ],
      [
        'BeaconLogIteratorAge',
        'The beacon-log stream consumer (beat-router; past the 15 s TTL viewers drop out of the count)',
        props.streams.beaconLog,
        ITERATOR_AGE_THRESHOLD_MS.beaconLog,
      ],
      [
        'PresenceIteratorAge',
        'The presence stream consumer (presence-aggregator; counts go stale)',
        props.streams.presence,
        ITERATOR_AGE_THRESHOLD_MS.presence,
      ],
    ] as const;
    for (const [id, what, stream, thresholdMs] of consumers)
      if (stream !== undefined)
        lag(id, what, stream.metricGetRecordsIteratorAgeMilliseconds(oneMinuteMax), thresholdMs);
    if (props.eventApiId !== undefined) {
      // HTTP endpoint metrics of an Event API (namespace AWS/AppSync, dimension EventAPIId):
      // https://docs.aws.amazon.com/appsync/latest/eventapi/cw-metrics.html. Only the fan-out
      // publishes over HTTP, so these count its failed publishes (throttling shows as 4XX).
      for (const [metricName, what] of [
        ['4XXError', 'refused (bad request, auth or throttling)'],
        ['5XXError', 'failed in AppSync'],
      ] as const) {
        add(`EventApiPublish${metricName}`, {
          alarmDescription: `AppSync Events publishes ${what}: viewers fall back on gap recovery over HTTP; the fan-out retries the batch. Check the fanout-events logs.`,
          metric: new cloudwatch.Metric({
            namespace: 'AWS/AppSync',
            metricName,
            dimensionsMap: { EventAPIId: props.eventApiId },
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.SUM,
          }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
    }
    lag(
      'RelayIteratorAge',
      'The events-table stream relay',
      props.relay.metric('IteratorAge', oneMinuteMax),
      ITERATOR_AGE_THRESHOLD_MS.relay,
    );
  }
}
