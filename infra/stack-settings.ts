import { z } from 'zod';

/**
 * The stack's capacity tunables in one place: their defaults, the CDK context keys that change
 * them (`-c key=value`), and their validation. infra/app.ts builds the stack from
 * `parseStackSettings`, and the capacity model (infra/capacity, `npm run capacity`) evaluates
 * the very same object, so a changed default or a new context value moves both at once.
 *
 * Batch sizes and windows of the event source mappings are settings too, but not context keys:
 * they are design decisions (changing one changes latency and ordering guarantees), so they are
 * fixed here and read by the constructs and the model alike.
 */

export const BROADCASTERS = ['appsync-events', 'apigateway'] as const;
export type Broadcaster = (typeof BROADCASTERS)[number];

/** How heartbeats come in: the CDN beacon (`/beat`) or a frame on the WebSocket API's `$default`. */
export const PRESENCE_INGRESSES = ['beacon', 'websocket'] as const;
export type PresenceIngress = (typeof PRESENCE_INGRESSES)[number];

export interface StreamConsumerSettings {
  /** Records per invocation at most (Kinesis ESM BatchSize). */
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds. */
  readonly windowSeconds: number;
  /** Batches in flight per shard (ParallelizationFactor, 1..10). */
  readonly parallelization: number;
}

export interface PresenceSettings {
  readonly ingress: PresenceIngress;
  /** Seconds a beat keeps a session counted (PRESENCE_TTL_SECONDS). */
  readonly ttlSeconds: number;
  /** Provisioned shards of the CloudFront real-time log stream the beacons land on. */
  readonly beaconLogShards: number;
  /** Provisioned shards of the presence stream (partition key `<channel>#<k>`). */
  readonly presenceShards: number;
  /**
   * K = ceil(beats/s of a channel ÷ this): a sub-partition stays under a shard's 1,000
   * records/s with room for bursts (the beat-router's sizing rule).
   */
  readonly subPartitionBeatsPerSecond: number;
  /** The presence-aggregator's mapping on the presence stream (one writer per sub-partition: parallelization 1). */
  readonly aggregator: StreamConsumerSettings;
  /** The beat-router's mapping on the beacon log stream. */
  readonly router: StreamConsumerSettings;
  /** Bytes one session takes in a packed bucket item (session id, newest seq, last beat). */
  readonly sessionBytes: number;
  /** A bucket item is split before it reaches this size (DynamoDB items stop at 400 KB). */
  readonly bucketMaxBytes: number;
}

export interface StackSettings {
  /** Who delivers feed frames to viewers: AppSync Events (publish per channel batch) or API Gateway (PostToConnection per viewer). */
  readonly broadcaster: Broadcaster;
  /** Kinesis feed stream shards (partition key = channel id). */
  readonly feedShards: number;
  readonly recommendShards: number;
  /** Reserved concurrency of the relay; `null` reserves nothing. */
  readonly relayReservedConcurrency: number | null;
  /** WebSocket stage throttle per route: requests/s and burst. */
  readonly wsRateLimit: number;
  readonly wsBurstLimit: number;
  /** Most connections one broadcast message posts to (SHARD_SIZE). */
  readonly shardSize: number;
  /** The relay's mapping on the events table stream. */
  readonly relay: { readonly batchSize: number };
  /** fanout and recommend-consumer on the Kinesis streams. */
  readonly streamConsumers: StreamConsumerSettings;
  readonly presence: PresenceSettings;
}

/**
 * The defaults carry the live-commerce seed (50 channels × 10,000 viewers, 4 frames/s, 5 s
 * beats, everyone joining within 60 s); `npm run capacity` shows what each one is sized for,
 * and test/infra/capacity-gate.test.ts fails when a change here breaks that load.
 */
export const STACK_DEFAULTS: StackSettings = {
  broadcaster: 'appsync-events',
  feedShards: 2,
  recommendShards: 2,
  relayReservedConcurrency: 50,
  wsRateLimit: 2000,
  wsBurstLimit: 5000,
  shardSize: 500,
  relay: { batchSize: 100 },
  streamConsumers: { batchSize: 100, windowSeconds: 1, parallelization: 1 },
  presence: {
    ingress: 'beacon',
    ttlSeconds: 15,
    // 100,000 beacons/s at the seed, one log record each: 1,000 records/s per shard ⇒ 100 shards, +25 % headroom.
    beaconLogShards: 125,
    // 50 channels × K = 3 sub-partitions of ~667 beats/s; two on one shard would exceed 1,000 records/s.
    presenceShards: 150,
    subPartitionBeatsPerSecond: 800,
    aggregator: { batchSize: 10_000, windowSeconds: 1, parallelization: 1 },
    router: { batchSize: 10_000, windowSeconds: 1, parallelization: 1 },
    sessionBytes: 40,
    bucketMaxBytes: 100_000,
  },
};

/** The CDK context keys `parseStackSettings` reads, with what each one accepts. */
export const STACK_CONTEXT_KEYS = {
  broadcaster: BROADCASTERS.join(' | '),
  feedShards: 'shards, 1..500',
  recommendShards: 'shards, 1..500',
  relayReservedConcurrency: 'an integer 1..10000, or none',
  wsRateLimit: 'requests/s, 1..1000000',
  wsBurstLimit: 'requests, 1..1000000',
  shardSize: 'connections, 1..10000',
  presenceTtlSeconds: 'seconds, 5..3600',
  presenceIngress: PRESENCE_INGRESSES.join(' | '),
  beaconLogShards: 'shards, 1..10000',
  presenceShards: 'shards, 1..10000',
} as const;
export type StackContextKey = keyof typeof STACK_CONTEXT_KEYS;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const contextSchema = z.strictObject({
  broadcaster: z.enum(BROADCASTERS).optional(),
  feedShards: int(1, 500).optional(),
  recommendShards: int(1, 500).optional(),
  relayReservedConcurrency: z.union([z.literal('none'), int(1, 10_000)]).optional(),
  wsRateLimit: int(1, 1_000_000).optional(),
  wsBurstLimit: int(1, 1_000_000).optional(),
  // The functions validate SHARD_SIZE and PRESENCE_TTL_SECONDS with these ranges at cold start.
  shardSize: int(1, 10_000).optional(),
  presenceTtlSeconds: int(5, 3600).optional(),
  presenceIngress: z.enum(PRESENCE_INGRESSES).optional(),
  beaconLogShards: int(1, 10_000).optional(),
  presenceShards: int(1, 10_000).optional(),
});

/** A context value is missing when unset or empty (`-c key=` clears a cdk.json value). */
const present = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/**
 * The settings for these context values; throws one Error naming every bad key and what it
 * accepts. `read` is `(key) => app.node.tryGetContext(key)` in the app, a plain lookup elsewhere.
 */
export const parseStackSettings = (read: (key: StackContextKey) => unknown): StackSettings => {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(STACK_CONTEXT_KEYS) as StackContextKey[]) {
    const value = read(key);
    if (present(value)) raw[key] = typeof value === 'string' ? value.trim() : value;
  }
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const accepts = key in STACK_CONTEXT_KEYS ? STACK_CONTEXT_KEYS[key as StackContextKey] : 'a known key';
      return `${key || '(context)'} must be ${accepts}, got ${JSON.stringify(raw[key])}`;
    });
    throw new Error(`invalid CDK context: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  const d = STACK_DEFAULTS;
  const broadcaster = c.broadcaster ?? d.broadcaster;
  if (broadcaster === 'appsync-events' && c.presenceIngress === 'websocket') {
    // AppSync viewers hold no API Gateway WebSocket to send a beat frame on.
    throw new Error('invalid CDK context: presenceIngress=websocket needs broadcaster=apigateway (AppSync viewers beat through the beacon)');
  }
  return {
    ...d,
    broadcaster,
    feedShards: c.feedShards ?? d.feedShards,
    recommendShards: c.recommendShards ?? d.recommendShards,
    relayReservedConcurrency: c.relayReservedConcurrency === 'none' ? null : (c.relayReservedConcurrency ?? d.relayReservedConcurrency),
    wsRateLimit: c.wsRateLimit ?? d.wsRateLimit,
    wsBurstLimit: c.wsBurstLimit ?? d.wsBurstLimit,
    shardSize: c.shardSize ?? d.shardSize,
    presence: {
      ...d.presence,
      // Viewers of the AppSync broadcaster hold no API Gateway connection to beat over: they use the beacon.
      ingress: c.presenceIngress ?? (broadcaster === 'apigateway' ? 'websocket' : d.presence.ingress),
      ttlSeconds: c.presenceTtlSeconds ?? d.presence.ttlSeconds,
      beaconLogShards: c.beaconLogShards ?? d.presence.beaconLogShards,
      presenceShards: c.presenceShards ?? d.presence.presenceShards,
    },
  };
};

/** `key=value` pairs (the CLI's `--context`) as a context reader; throws on a pair without `=` or an unknown key. */
export const contextFromPairs = (pairs: readonly string[]): ((key: StackContextKey) => unknown) => {
  const values = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    if (at < 0 || !(key in STACK_CONTEXT_KEYS)) {
      throw new Error(`context "${pair}" must be key=value with key one of ${Object.keys(STACK_CONTEXT_KEYS).join(', ')}`);
    }
    values.set(key, pair.slice(at + 1));
  }
  return (key) => values.get(key);
};
