import { FUNCTION_SPECS } from '../function-specs.js';
import type { PresenceIngress } from '../stack-settings.js';
import { concurrencyOf, cost, lambdaCost, part, perSecond, quotaLimit, type Part } from './hop.js';
import { streamInvocations } from './feed-hops.js';
import { ESTIMATES as E, ratesOf, type Scenario } from './load.js';
import { fmt } from './viewer-hops.js';

const HOUR = 3600;
/** One VIEWER_COUNT_CHANGED per channel per second at most (presence minPublishIntervalMs): one count a second. */
const COUNTS_PER_SECOND_PER_CHANNEL = 1;

export interface PresenceFigures {
  readonly ingress: PresenceIngress;
  /** DynamoDB write units/s on the busiest partition key of the busiest channel. */
  readonly writesPerKeyPerSecond: number;
  /** Read units one channel count costs. */
  readonly readUnitsPerCount: number;
  readonly lambdaConcurrency: number;
}

/**
 * Heartbeats, either path. websocket (original): a beat frame on $default → ws-message →
 * heartbeat queue → presence Lambda → one conditional write per beat on the channel's
 * partition key; a count is a Query of the channel's items. beacon: `/beat` answered 204 by a
 * CloudFront Function, real-time log line → beacon-log stream → beat-router → presence stream
 * (key `<channel>#<k>`) → presence-aggregator → packed bucket items per sub-partition, rewritten
 * once per flush when changed; a count reads the K small count items.
 */
export const presenceHops = (
  scenario: Scenario,
  ingress: PresenceIngress,
): Part & { readonly figures: PresenceFigures } =>
  ingress === 'websocket' ? websocketPresence(scenario) : beaconPresence(scenario);

const websocketPresence = ({ load, quotas }: Scenario): Part & { readonly figures: PresenceFigures } => {
  const r = ratesOf(load);
  const trigger = FUNCTION_SPECS.presence.trigger;
  const batchSize = trigger.kind === 'sqs' ? trigger.batchSize : 10;
  const batches = r.beatsPerSecond / batchSize;
  const presenceConcurrency = concurrencyOf(batches, E.presenceBatchMs);
  const wsMessageConcurrency = concurrencyOf(r.beatsPerSecond, E.wsMessageMs);
  const writesPerKey = r.beatsPerSecondPerChannel; // one ≤ 1 KB conditional write per beat, key = channel id
  const readUnitsPerCount = Math.ceil((load.viewersPerChannel * E.presenceItemBytes) / 4096) * 0.5;
  return {
    ...part({
      hops: [
        quotaLimit(
          'presence',
          'presence batches in flight (SQS mapping)',
          presenceConcurrency,
          'lambda.sqs-esm-batches',
          quotas,
          `${fmt(batches)} batches/s of ${batchSize} × ${E.presenceBatchMs} ms (estimate)`,
        ),
        quotaLimit(
          'presence',
          'DynamoDB presence writes per channel partition key',
          writesPerKey,
          'dynamodb.partition-wcu',
          quotas,
          `${fmt(r.beatsPerSecondPerChannel)} beats/s per channel × 1 WCU, key = channel id`,
        ),
        quotaLimit(
          'presence',
          'DynamoDB count Query reads per channel partition key',
          readUnitsPerCount * COUNTS_PER_SECOND_PER_CHANNEL,
          'dynamodb.partition-rcu',
          quotas,
          `a Query of ${fmt(load.viewersPerChannel)} items × ${E.presenceItemBytes} B (estimate), eventually consistent, once a second`,
        ),
      ],
      costs: [
        perSecond('WebSocket beat frames', 'apigw.ws-message', r.beatsPerSecond, true),
        ...lambdaCost('ws-message (beat)', r.beatsPerSecond * HOUR, E.wsMessageMs, E.lambdaGb, true),
        // SendMessage per beat; ReceiveMessage and DeleteMessageBatch per batch of 10 messages returned.
        perSecond('SQS heartbeat requests', 'sqs.request', r.beatsPerSecond + (2 * r.beatsPerSecond) / 10, true),
        ...lambdaCost('presence', batches * HOUR, E.presenceBatchMs, E.lambdaGb, true),
        perSecond('presence writes', 'dynamodb.wru', r.beatsPerSecond, true),
        perSecond('presence count Queries', 'dynamodb.rru', load.channels * readUnitsPerCount, true),
      ],
      concurrency: { 'ws-message (beat)': wsMessageConcurrency, presence: presenceConcurrency },
      apigwRps: { 'WebSocket beat frames': r.beatsPerSecond },
      wsDefaultRps: r.beatsPerSecond,
      tableWru: { presence: r.beatsPerSecond },
    }),
    figures: {
      ingress: 'websocket',
      writesPerKeyPerSecond: writesPerKey,
      readUnitsPerCount,
      lambdaConcurrency: presenceConcurrency + wsMessageConcurrency,
    },
  };
};

const beaconPresence = ({ load, settings, quotas }: Scenario): Part & { readonly figures: PresenceFigures } => {
  const r = ratesOf(load);
  const p = settings.presence;
  // Sub-partitions per channel as deployed (PRESENCE_SUB_PARTITIONS); a K too small for the load
  // shows as the busiest presence shard over 1,000 records/s below.
  const k = p.subPartitions;
  const keys = load.channels * k;
  const beatsPerKey = r.beatsPerSecondPerChannel / k;
  // Assumes the router spreads sub-partitions evenly (explicit hash keys): ceil(keys/shards) on the busiest shard.
  const busiestPresenceShard = Math.ceil(keys / p.presenceShards) * beatsPerKey;
  // CloudFront writes one record per log line; spread assumed even over the shards.
  const logRecordsPerShard = r.beatsPerSecond / p.beaconLogShards;
  const sessionsPerKey = load.viewersPerChannel / k;
  // Bucket items per sub-partition as deployed (PRESENCE_BUCKETS); too few shows as the item size hop.
  const buckets = p.buckets;
  const bucketBytes = (sessionsPerKey * p.sessionBytes) / buckets;
  const aggregatorInvocations = streamInvocations(
    p.presenceShards,
    r.beatsPerSecond,
    p.aggregator.batchSize,
    p.aggregator.windowSeconds,
  );
  // Every flush rewrites each bucket (with a 5 s beat every bucket has changed within a second) and the count item.
  const flushesPerKey = Math.max(
    1 / p.aggregator.windowSeconds,
    (Math.ceil(keys / p.presenceShards) * beatsPerKey) / p.aggregator.batchSize,
  );
  const writesPerKey = flushesPerKey * (buckets * Math.ceil(bucketBytes / 1024) + 1);
  const readUnitsPerCount = k * 0.5;
  const routerInvocations = streamInvocations(
    p.beaconLogShards,
    r.beatsPerSecond,
    p.router.batchSize,
    p.router.windowSeconds,
  );
  const routerConcurrency = p.beaconLogShards * p.router.parallelization;
  const aggregatorConcurrency = p.presenceShards * p.aggregator.parallelization;
  return {
    ...part({
      hops: [
        quotaLimit(
          'heartbeat in',
          'CloudFront beacon requests',
          r.beatsPerSecond,
          'cloudfront.rps',
          quotas,
          `${fmt(r.viewers)} viewers / ${load.heartbeatSeconds} s, answered 204 by a CloudFront Function`,
        ),
        quotaLimit(
          'heartbeat in',
          'Kinesis beacon-log records/s per shard',
          logRecordsPerShard,
          'kinesis.shard-records',
          quotas,
          `one log line per beacon over ${p.beaconLogShards} shards (beaconLogShards)`,
        ),
        quotaLimit(
          'heartbeat in',
          'Kinesis beacon-log bytes/s per shard',
          logRecordsPerShard * E.beaconLogLineBytes,
          'kinesis.shard-bytes',
          quotas,
          `× ${E.beaconLogLineBytes} B a log line (estimate)`,
        ),
        quotaLimit(
          'presence',
          'Kinesis presence records/s, busiest shard',
          busiestPresenceShard,
          'kinesis.shard-records',
          quotas,
          `K = ${k} sub-partitions/channel of ${fmt(beatsPerKey)} beats/s; ${keys} keys on ${p.presenceShards} shards (presenceShards)`,
        ),
        quotaLimit(
          'presence',
          'Kinesis presence bytes/s, busiest shard',
          busiestPresenceShard * E.beatRecordBytes,
          'kinesis.shard-bytes',
          quotas,
          `× ${E.beatRecordBytes} B a beat record (estimate)`,
        ),
        quotaLimit(
          'presence',
          'DynamoDB bucket item size',
          bucketBytes,
          'dynamodb.item-bytes',
          quotas,
          `${fmt(sessionsPerKey)} sessions/sub-partition × ${p.sessionBytes} B in ${buckets} bucket(s)`,
        ),
        quotaLimit(
          'presence',
          'DynamoDB presence writes per presence#<channel>#<k> key',
          writesPerKey,
          'dynamodb.partition-wcu',
          quotas,
          `${fmt(flushesPerKey)} flush(es)/s × (${buckets} bucket(s) of ${fmt(Math.ceil(bucketBytes / 1024))} KB + 1 count item)`,
        ),
        quotaLimit(
          'presence',
          'DynamoDB count reads per channel',
          readUnitsPerCount * COUNTS_PER_SECOND_PER_CHANNEL,
          'dynamodb.partition-rcu',
          quotas,
          `K = ${k} count items, eventually consistent, once a second (0 for a warm sub-partition's own count)`,
        ),
      ],
      costs: [
        perSecond('CloudFront beacon requests', 'cloudfront.request', r.beatsPerSecond, true),
        perSecond('CloudFront Function (204)', 'cloudfront.function', r.beatsPerSecond, true),
        perSecond('CloudFront real-time log lines', 'cloudfront.realtime-log-line', r.beatsPerSecond, true),
        cost('beacon-log + presence shard-hours', 'kinesis.shard-hour', p.beaconLogShards + p.presenceShards, true),
        perSecond('beacon-log + presence PUT units', 'kinesis.put-unit', 2 * r.beatsPerSecond, true),
        ...lambdaCost('beat-router', routerInvocations * HOUR, E.streamBatchMs, E.lambdaGb, true),
        ...lambdaCost('presence-aggregator', aggregatorInvocations * HOUR, E.streamBatchMs, E.lambdaGb, true),
        perSecond('presence bucket writes', 'dynamodb.wru', keys * writesPerKey, true),
        perSecond('presence count reads', 'dynamodb.rru', load.channels * readUnitsPerCount, true),
      ],
      concurrency: { 'beat-router': routerConcurrency, 'presence-aggregator': aggregatorConcurrency },
      tableWru: { presence: keys * writesPerKey },
    }),
    figures: {
      ingress: 'beacon',
      writesPerKeyPerSecond: writesPerKey,
      readUnitsPerCount,
      lambdaConcurrency: routerConcurrency + aggregatorConcurrency,
    },
  };
};
