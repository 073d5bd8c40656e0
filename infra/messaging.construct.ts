import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { consumerOf, visibilityTimeoutSeconds, type QueueKey } from './function-specs.js';

/** Receives before a message goes to its DLQ. Heartbeats are stale after a few seconds anyway. */
export const MAX_RECEIVE_COUNT: Record<QueueKey, number> = { broadcast: 5, booking: 5, heartbeat: 3, scheduler: 5 };

/** A DLQ keeps messages the longest SQS allows, so there is time to look and redrive. */
const DLQ_RETENTION = Duration.days(14);

export interface MessagingProps {
  readonly feedShards: number;
  readonly recommendShards: number;
}

/**
 * Streams and queues are transport, not the system of record (that is the events table), and
 * a stream left behind by `cdk destroy` would keep billing shard-hours: they go with the stack.
 */
const TRANSPORT_REMOVAL = RemovalPolicy.DESTROY;

export interface QueueWithDlq {
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;
}

/** Kinesis streams, SQS queues (each with its DLQ) and the stream consumers' failure queues. */
export class Messaging extends Construct {
  readonly feedStream: kinesis.Stream;
  readonly recommendStream: kinesis.Stream;
  readonly queues: Record<QueueKey, QueueWithDlq>;
  /**
   * Booking requests the consumer can never process (unreadable, or refused by the trip's rules),
   * parked at once so their trip moves on; a standard queue, since order no longer matters for them.
   */
  readonly bookingParked: sqs.Queue;
  /** On-failure destinations of the stream consumers (records that exhausted their retries). */
  readonly streamFailures: { readonly relay: sqs.Queue; readonly fanout: sqs.Queue; readonly recommend: sqs.Queue };

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const stream = (sid: string, shardCount: number): kinesis.Stream =>
      new kinesis.Stream(this, sid, {
        streamMode: kinesis.StreamMode.PROVISIONED,
        shardCount,
        retentionPeriod: Duration.hours(24),
        encryption: kinesis.StreamEncryption.MANAGED,
        removalPolicy: TRANSPORT_REMOVAL,
      });
    // Partition key = channel id, so a channel's items stay ordered; 1 MB/s or 1,000 records/s in per shard.
    this.feedStream = stream('FeedStream', props.feedShards);
    // The recommendation seed: 2 shards, 24 h retention, partition key = user id.
    this.recommendStream = stream('RecommendStream', props.recommendShards);

    const dlq = (qid: string, fifo = false): sqs.Queue =>
      new sqs.Queue(this, qid, {
        ...(fifo ? { fifo: true } : {}),
        retentionPeriod: DLQ_RETENTION,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy: TRANSPORT_REMOVAL,
      });

    const withDlq = (key: QueueKey, qid: string, extra: Partial<sqs.QueueProps> = {}): QueueWithDlq => {
      const fifo = extra.fifo === true;
      const deadLetters = dlq(`${qid}Dlq`, fifo);
      const [, consumer] = consumerOf(key);
      const queue = new sqs.Queue(this, qid, {
        visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(consumer)),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT[key] },
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        removalPolicy: TRANSPORT_REMOVAL,
        ...extra,
      });
      return { queue, dlq: deadLetters };
    };

    this.queues = {
      // A frame older than an hour is worthless; viewers recover missed versions from the API.
      broadcast: withDlq('broadcast', 'BroadcastQueue', { retentionPeriod: Duration.hours(1) }),
      // Booking: ordered per trip (message group = trip), deduplicated by request id within a
      // group. Explicit dedup ids (content dedup off) because a retried request may differ in
      // bytes; per-group dedup scope + per-group throughput limit is SQS high-throughput FIFO.
      booking: withDlq('booking', 'BookingQueue', {
        fifo: true,
        contentBasedDeduplication: false,
        deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
        fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      }),
      // A heartbeat counts for PRESENCE_TTL_SECONDS; after 10 minutes it can only be discarded.
      heartbeat: withDlq('heartbeat', 'HeartbeatQueue', { retentionPeriod: Duration.minutes(10) }),
      // Auction closes are delayed messages (≤ 15 min a hop); keep them the full 4 days.
      scheduler: withDlq('scheduler', 'SchedulerQueue', { retentionPeriod: Duration.days(4) }),
    };

    // Kept like a DLQ (and alarmed like one): each is a request that got no outcome yet.
    this.bookingParked = dlq('BookingParked');

    this.streamFailures = {
      relay: dlq('RelayFailures'),
      fanout: dlq('FanoutFailures'),
      recommend: dlq('RecommendFailures'),
    };
  }

  /** Every dead-letter destination, for alarms. */
  allDeadLetterQueues(): Record<string, sqs.Queue> {
    return {
      BroadcastDlq: this.queues.broadcast.dlq,
      BookingDlq: this.queues.booking.dlq,
      BookingParked: this.bookingParked,
      HeartbeatDlq: this.queues.heartbeat.dlq,
      SchedulerDlq: this.queues.scheduler.dlq,
      RelayFailures: this.streamFailures.relay,
      FanoutFailures: this.streamFailures.fanout,
      RecommendFailures: this.streamFailures.recommend,
    };
  }
}
