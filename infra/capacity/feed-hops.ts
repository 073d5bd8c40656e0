import { FUNCTION_SPECS } from '../function-specs.js';
import { QUOTAS } from './aws-quotas.js';
import { concurrencyOf, cost, lambdaCost, part, perSecond, quotaLimit, settingLimit, type Part } from './hop.js';
import { ESTIMATES as E, ratesOf, type Scenario } from './load.js';
import { fmt } from './viewer-hops.js';

const HOUR = 3600;

/** Invocations/s of a stream consumer: a batch per window per shard, more when batches fill sooner. */
export const streamInvocations = (
  shards: number,
  recordsPerSecond: number,
  batchSize: number,
  windowSeconds: number,
): number => shards * Math.max(1 / windowSeconds, recordsPerSecond / shards / batchSize);

/**
 * Relay (events table stream → feed stream), the feed stream (partition key = channel id) and
 * the fan-out (feed stream consumer). Every channel's records land on one shard, and channels
 * are assumed spread evenly over the shards (the busiest shard holds ceil(channels/shards)).
 */
export const feedHops = ({ load, settings, quotas }: Scenario): Part => {
  const r = ratesOf(load);
  const relayInvocations = r.feedRecordsPerSecond / settings.relay.batchSize;
  const relayConcurrency = Math.max(1, concurrencyOf(relayInvocations, E.streamBatchMs));
  const channelsOnBusiestShard = Math.ceil(load.channels / settings.feedShards);
  const busiestShardRecords = channelsOnBusiestShard * load.feedEventsPerSecond;
  const c = settings.streamConsumers;
  const fanoutInvocations = streamInvocations(
    settings.feedShards,
    r.feedRecordsPerSecond,
    c.batchSize,
    c.windowSeconds,
  );
  const hops = [
    quotaLimit(
      'feed stream',
      'Kinesis feed records/s, busiest shard',
      busiestShardRecords,
      'kinesis.shard-records',
      quotas,
      `${channelsOnBusiestShard} channel(s) × ${fmt(load.feedEventsPerSecond)} items/s on one of ${settings.feedShards} shards`,
    ),
    quotaLimit(
      'feed stream',
      'Kinesis feed bytes/s, busiest shard',
      busiestShardRecords * E.feedRecordBytes,
      'kinesis.shard-bytes',
      quotas,
      `× ${E.feedRecordBytes} B a record (estimate)`,
    ),
  ];
  if (settings.relayReservedConcurrency !== null) {
    hops.unshift(
      settingLimit(
        'relay',
        'relay concurrent executions',
        relayConcurrency,
        settings.relayReservedConcurrency,
        'executions',
        'relayReservedConcurrency',
        `${fmt(r.feedRecordsPerSecond)} records/s in batches of ${settings.relay.batchSize}, ${E.streamBatchMs} ms each (estimate)`,
      ),
    );
  }
  const recommendInvocations = streamInvocations(
    settings.feedShards,
    r.feedRecordsPerSecond,
    c.batchSize,
    c.windowSeconds,
  );
  return part({
    hops,
    costs: [
      perSecond('feed stream PUT units', 'kinesis.put-unit', r.feedRecordsPerSecond),
      cost('feed + recommend shard-hours', 'kinesis.shard-hour', settings.feedShards + settings.recommendShards),
      ...lambdaCost('relay', relayInvocations * HOUR, E.streamBatchMs, E.lambdaGb),
      ...lambdaCost('fanout', fanoutInvocations * HOUR, E.streamBatchMs, E.lambdaGb),
      ...lambdaCost('recommend-consumer (feed)', recommendInvocations * HOUR, E.streamBatchMs, E.lambdaGb),
    ],
    concurrency: {
      // The demand; a reservation (relayReservedConcurrency) is counted by edge-hops.ts instead.
      relay: relayConcurrency,
      fanout: settings.feedShards * c.parallelization,
      'recommend-consumer': (settings.feedShards + settings.recommendShards) * c.parallelization,
    },
  });
};

/**
 * Fan-out to viewers. apigateway: one broadcast message per (channel, shard of SHARD_SIZE
 * connections) and frame on SQS → broadcast Lambda → PostToConnection per connection.
 * appsync-events: one publish per channel frame (≤ 5 events a request, ≤ 240 KB an event),
 * AppSync delivers to every subscriber (metered per 5 KB).
 */
export const deliveryHops = ({ load, settings, quotas }: Scenario): Part => {
  const r = ratesOf(load);
  if (settings.broadcaster === 'appsync-events') {
    const eventsPerFrame = Math.ceil(load.frameBytes / QUOTAS['appsync.event-bytes'].value);
    const publishes = r.channelFramesPerSecond * Math.ceil(eventsPerFrame / QUOTAS['appsync.events-per-publish'].value);
    const inbound = r.channelFramesPerSecond * eventsPerFrame;
    const outboundUnits = r.deliveriesPerSecond * Math.ceil(load.frameBytes / 5120);
    return part({
      hops: [
        quotaLimit(
          'fan-out',
          'AppSync event size (one frame)',
          load.frameBytes,
          'appsync.event-bytes',
          quotas,
          'a larger frame is split over several events',
        ),
        quotaLimit(
          'fan-out',
          'AppSync inbound events (publishes)',
          inbound,
          'appsync.inbound-events',
          quotas,
          `${fmt(r.channelFramesPerSecond)} channel frames/s, ${eventsPerFrame} event(s) each, ${fmt(publishes)} requests/s`,
        ),
        quotaLimit(
          'delivery',
          'AppSync outbound messages (5 KB units)',
          outboundUnits,
          'appsync.outbound-messages',
          quotas,
          `${fmt(r.viewers)} viewers × ${load.framesPerSecond} frames/s × ${Math.ceil(load.frameBytes / 5120)} unit(s)`,
        ),
      ],
      costs: [
        perSecond('AppSync publishes', 'appsync.operation', inbound),
        perSecond('AppSync deliveries', 'appsync.operation', outboundUnits),
      ],
    });
  }
  const spec = FUNCTION_SPECS.broadcast.trigger;
  const sqsBatch = spec.kind === 'sqs' ? spec.batchSize : 10;
  const shardsPerChannel = Math.ceil(load.viewersPerChannel / settings.shardSize);
  const messages = r.channelFramesPerSecond * shardsPerChannel;
  const messageMs = Math.ceil(settings.shardSize / E.broadcastPostsInFlight) * E.broadcastPostMs;
  const batches = messages / sqsBatch;
  // The messages of one SQS batch are handled one after another (estimate).
  const batchMs = sqsBatch * messageMs;
  const concurrency = concurrencyOf(batches, batchMs);
  const memberRcu = Math.ceil((settings.shardSize * E.memberItemBytes) / 4096) * 0.5;
  const wsUnits = Math.ceil(load.frameBytes / (32 * 1024));
  return part({
    hops: [
      quotaLimit(
        'fan-out',
        'WebSocket message size (one frame)',
        load.frameBytes,
        'apigw.ws-message-bytes',
        quotas,
        'a larger batch is split into several messages',
      ),
      quotaLimit(
        'SQS',
        'broadcast messages in flight',
        concurrency * sqsBatch,
        'sqs.inflight',
        quotas,
        `${fmt(messages)} messages/s (${shardsPerChannel} shards × ${fmt(r.channelFramesPerSecond)} frames/s), ${batchMs} ms a batch`,
      ),
      quotaLimit(
        'broadcast',
        'broadcast concurrent batches (SQS mapping)',
        concurrency,
        'lambda.sqs-esm-batches',
        quotas,
        `${fmt(batches)} batches/s × ${batchMs} ms (estimate: ${messageMs} ms per ${settings.shardSize} posts)`,
      ),
      quotaLimit(
        'delivery',
        'DynamoDB member reads per ch#<channel>#<n> partition',
        load.framesPerSecond * memberRcu,
        'dynamodb.partition-rcu',
        quotas,
        `${load.framesPerSecond} Queries/s of ${settings.shardSize} members, ${memberRcu} RCU each`,
      ),
    ],
    costs: [
      // SendMessageBatch, ReceiveMessage and DeleteMessageBatch, 10 messages a request.
      perSecond('SQS broadcast requests', 'sqs.request', (3 * messages) / sqsBatch),
      ...lambdaCost('broadcast', batches * HOUR, batchMs, E.lambdaGb),
      perSecond('PostToConnection messages', 'apigw.ws-message', r.deliveriesPerSecond * wsUnits),
      perSecond('member Queries', 'dynamodb.rru', messages * memberRcu),
    ],
    concurrency: { broadcast: concurrency },
    apigwRps: { PostToConnection: r.deliveriesPerSecond },
  });
};
