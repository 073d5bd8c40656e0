import type { EnvVariable, LambdaName } from '../src/entrypoints/composition/config.js';

/**
 * What each Lambda touches and how, as data: the stack derives environment variables, IAM
 * grants and queue visibility timeouts from this one table, and refuses to synthesize when it
 * disagrees with the function's config schema (src/entrypoints/composition/config.ts).
 */

/** Environment variables that name a resource the function must be granted access to. */
export type ResourceVariable = Extract<
  EnvVariable,
  | 'EVENTS_TABLE'
  | 'SNAPSHOTS_TABLE'
  | 'CONNECTIONS_TABLE'
  | 'PRESENCE_TABLE'
  | 'STATS_TABLE'
  | 'FEED_STREAM_NAME'
  | 'RECOMMEND_STREAM_NAME'
  | 'PRESENCE_STREAM_NAME'
  | 'BROADCAST_QUEUE_URL'
  | 'BOOKING_QUEUE_URL'
  | 'BOOKING_PARKED_QUEUE_URL'
  | 'HEARTBEAT_QUEUE_URL'
  | 'SCHEDULER_QUEUE_URL'
  | 'BLOB_OFFLOAD_PREFIX'
  | 'STATS_OBJECT_KEY'
  | 'WS_MANAGEMENT_ENDPOINT'
  | 'EVENT_API_HTTP_ENDPOINT'
  | 'INTEGRATION_TOPIC_ARN'
>;

/**
 * How a function uses a resource. `{ items }` is item-level access to a DynamoDB table:
 * GetItem, PutItem and DeleteItem on the items whose partition key matches one of the
 * patterns (IAM `dynamodb:LeadingKeys`), nothing else of the table.
 */
export type Access = 'read' | 'write' | 'readWrite' | { readonly items: readonly string[] };

/** Where a function's invocations come from; consumers get an event source mapping. */
export type Trigger =
  | { readonly kind: 'dynamodb-stream'; readonly table: 'events' }
  | { readonly kind: 'kinesis'; readonly streams: readonly StreamKey[] }
  | {
      readonly kind: 'sqs';
      readonly queue: QueueKey;
      readonly batchSize: number;
      readonly maxBatchingWindowSeconds?: number;
    }
  | { readonly kind: 'http-api' }
  | { readonly kind: 'websocket'; readonly route: '$connect' | '$disconnect' | '$default' }
  | { readonly kind: 'websocket-authorizer' };

export type QueueKey = 'broadcast' | 'booking' | 'heartbeat' | 'scheduler';
/** `beaconLog`: CloudFront's real-time log lines of `/beat`; `presence`: beats and ticks keyed `<channel>#<k>`. */
export type StreamKey = 'feed' | 'recommend' | 'beaconLog' | 'presence';

/** Snapshots are taken of auction streams only (the one decider with a snapshot serializer). */
const SNAPSHOT_ITEMS: Access = { items: ['auction-*'] };

export interface FunctionSpec {
  /** Seconds; consumers' queues get a visibility timeout of 6× this (+ batching window). */
  readonly timeoutSeconds: number;
  readonly memoryMiB?: number;
  readonly trigger: Trigger;
  readonly uses: Partial<Record<ResourceVariable, Access>>;
  /** Also invoked on a schedule (EventBridge), e.g. to flush what a batch left pending. */
  readonly scheduleMinutes?: number;
}

/** 256 MB per the booking seed; raise per function when its p99 duration says so. */
export const DEFAULT_MEMORY_MIB = 256;

export const FUNCTION_SPECS: Record<LambdaName, FunctionSpec> = {
  relay: {
    timeoutSeconds: 30,
    trigger: { kind: 'dynamodb-stream', table: 'events' },
    uses: { FEED_STREAM_NAME: 'write' },
  },
  fanout: {
    timeoutSeconds: 30,
    trigger: { kind: 'kinesis', streams: ['feed'] },
    uses: { CONNECTIONS_TABLE: 'read', BROADCAST_QUEUE_URL: 'write', BLOB_OFFLOAD_PREFIX: 'write' },
  },
  'fanout-events': {
    timeoutSeconds: 30,
    trigger: { kind: 'kinesis', streams: ['feed'] },
    // appsync:EventPublish on the `live` namespace only: the one grant to publish to viewers.
    uses: { EVENT_API_HTTP_ENDPOINT: 'write' },
  },
  broadcast: {
    // One message posts to up to SHARD_SIZE connections with bounded concurrency.
    timeoutSeconds: 30,
    trigger: { kind: 'sqs', queue: 'broadcast', batchSize: 10 },
    // Writes to the broadcast queue too: deliveries that failed (not Gone) are re-enqueued, offloaded to S3 when large.
    uses: {
      CONNECTIONS_TABLE: 'readWrite',
      BROADCAST_QUEUE_URL: 'write',
      WS_MANAGEMENT_ENDPOINT: 'write',
      BLOB_OFFLOAD_PREFIX: 'readWrite',
    },
  },
  'ws-connect': {
    timeoutSeconds: 10,
    trigger: { kind: 'websocket', route: '$connect' },
    uses: { CONNECTIONS_TABLE: 'readWrite' },
  },
  'ws-disconnect': {
    timeoutSeconds: 10,
    trigger: { kind: 'websocket', route: '$disconnect' },
    uses: { CONNECTIONS_TABLE: 'readWrite', HEARTBEAT_QUEUE_URL: 'write' },
  },
  'ws-message': {
    timeoutSeconds: 10,
    trigger: { kind: 'websocket', route: '$default' },
    uses: {
      EVENTS_TABLE: 'readWrite',
      SNAPSHOTS_TABLE: SNAPSHOT_ITEMS,
      // `join` places the connection in a channel shard; beats bind the viewer session to it.
      CONNECTIONS_TABLE: 'readWrite',
      FEED_STREAM_NAME: 'write',
      HEARTBEAT_QUEUE_URL: 'write',
      SCHEDULER_QUEUE_URL: 'write',
      WS_MANAGEMENT_ENDPOINT: 'write',
    },
  },
  'http-api': {
    timeoutSeconds: 10,
    trigger: { kind: 'http-api' },
    uses: {
      EVENTS_TABLE: 'readWrite',
      SNAPSHOTS_TABLE: SNAPSHOT_ITEMS,
      // Trip counters and the booking request index (pk prefix booking-request#).
      STATS_TABLE: 'readWrite',
      // The per-user bid, chat and like budgets (pk rate#<name>-user#<user>), shared with ws-message: those items only.
      CONNECTIONS_TABLE: { items: ['rate#bid-user#*', 'rate#chat-user#*', 'rate#like-user#*'] },
      // Chat and likes over HTTP (the appsync-events broadcaster's viewers) are feed records.
      FEED_STREAM_NAME: 'write',
      RECOMMEND_STREAM_NAME: 'write',
      BOOKING_QUEUE_URL: 'write',
      HEARTBEAT_QUEUE_URL: 'write',
      SCHEDULER_QUEUE_URL: 'write',
    },
  },
  presence: {
    timeoutSeconds: 10,
    // Heartbeats are many and tiny: a 1 s window turns hundreds of them into one invocation.
    trigger: { kind: 'sqs', queue: 'heartbeat', batchSize: 100, maxBatchingWindowSeconds: 1 },
    uses: { EVENTS_TABLE: 'readWrite', PRESENCE_TABLE: 'readWrite', HEARTBEAT_QUEUE_URL: 'write' },
  },
  booking: {
    // The seed's 60 s queue visibility is exactly 6× this timeout.
    timeoutSeconds: 10,
    trigger: { kind: 'sqs', queue: 'booking', batchSize: 10 },
    uses: {
      EVENTS_TABLE: 'readWrite',
      STATS_TABLE: 'readWrite',
      STATS_OBJECT_KEY: 'write',
      BLOB_OFFLOAD_PREFIX: 'read',
      BOOKING_PARKED_QUEUE_URL: 'write',
    },
    // stats.json is republished at most every few seconds per batch; the scheduled call
    // publishes the last figures of a rush even when no batch follows it.
    scheduleMinutes: 1,
  },
  'auction-close': {
    timeoutSeconds: 10,
    trigger: { kind: 'sqs', queue: 'scheduler', batchSize: 10 },
    uses: {
      EVENTS_TABLE: 'readWrite',
      SNAPSHOTS_TABLE: SNAPSHOT_ITEMS,
      SCHEDULER_QUEUE_URL: 'write',
      BLOB_OFFLOAD_PREFIX: 'readWrite',
    },
  },
  'recommend-consumer': {
    timeoutSeconds: 30,
    // Two inputs: requests to serve, and the live feed it projects into its read model. It
    // tells them apart by the record's eventSourceArn (…:stream/<FEED_STREAM_NAME>). Two
    // consumers on the feed (with fanout) stay within a shard's 5 reads/s and 2 MB/s out.
    trigger: { kind: 'kinesis', streams: ['recommend', 'feed'] },
    // Only the feed's name (to tell its batches apart) and Redis; the stream reads come with the mappings.
    uses: { FEED_STREAM_NAME: 'read' },
  },
  'ws-authorizer': { timeoutSeconds: 5, trigger: { kind: 'websocket-authorizer' }, uses: {} },
  'integration-publisher': {
    timeoutSeconds: 30,
    // Its own mapping on the events table's stream, beside the relay's: two readers per shard is
    // what DynamoDB Streams supports (docs/INTEGRATION.md, "Where the events come from").
    trigger: { kind: 'dynamodb-stream', table: 'events' },
    // sns:Publish on the integration topic only (and the topic key's data-key use).
    uses: { INTEGRATION_TOPIC_ARN: 'write' },
  },
  'beat-router': {
    // Up to 10,000 log lines a batch: parse, one HMAC each, PutRecords in chunks of 500.
    timeoutSeconds: 30,
    trigger: { kind: 'kinesis', streams: ['beaconLog'] },
    // The token key comes as BEACON_TOKEN_KEY (a Secrets Manager dynamic reference resolved at deploy).
    uses: { PRESENCE_STREAM_NAME: 'write' },
  },
  'presence-aggregator': {
    timeoutSeconds: 30,
    trigger: { kind: 'kinesis', streams: ['presence'] },
    // Packed buckets and count items on the presence table; the count through the channel
    // (events table); its ticks go back on the presence stream it consumes (readWrite).
    uses: { EVENTS_TABLE: 'readWrite', PRESENCE_TABLE: 'readWrite', PRESENCE_STREAM_NAME: 'readWrite' },
  },
};

/** SQS visibility must cover every retry of a batch: 6× the consumer's timeout plus its batching window (AWS guidance). */
export const visibilityTimeoutSeconds = (spec: FunctionSpec): number =>
  6 * spec.timeoutSeconds + (spec.trigger.kind === 'sqs' ? (spec.trigger.maxBatchingWindowSeconds ?? 0) : 0);

/** The consumer of a queue (each queue has exactly one). */
export const consumerOf = (queue: QueueKey): [LambdaName, FunctionSpec] => {
  const found = Object.entries(FUNCTION_SPECS).find(([, s]) => s.trigger.kind === 'sqs' && s.trigger.queue === queue);
  if (found === undefined) throw new Error(`no consumer for the ${queue} queue in FUNCTION_SPECS`);
  return found as [LambdaName, FunctionSpec];
};
