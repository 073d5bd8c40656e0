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
  /**
   * Sub-partitions K per channel (PRESENCE_SUB_PARTITIONS of beat-router and presence-aggregator):
   * at least ceil(beats/s of the busiest channel ÷ subPartitionBeatsPerSecond); the capacity model
   * flags a K too small for the load. Change it only between live events (it re-homes sessions).
   */
  readonly subPartitions: number;
  /** Packed bucket items B per sub-partition (PRESENCE_BUCKETS): each under bucketMaxBytes at the load. */
  readonly buckets: number;
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
  /** Reserved concurrency of the relay; `null` reserves nothing (the default: see EDGE below and docs/DEPLOY.md). */
  readonly relayReservedConcurrency: number | null;
  /** HTTP API stage throttle (every route): requests/s and burst. */
  readonly httpRateLimit: number;
  readonly httpBurstLimit: number;
  /** Route throttle of `GET|HEAD /recommend/cached/{userId}`, the public route that computes on a cache miss. */
  readonly recommendRateLimit: number;
  readonly recommendBurstLimit: number;
  /**
   * Reserved concurrency of http-api: its cap, so a flood on the public HTTP API cannot take the
   * account's pool from the stream and queue consumers; `null` reserves nothing.
   */
  readonly httpApiReservedConcurrency: number | null;
  /** Reserved concurrency of each WebSocket edge function (ws-connect, ws-disconnect, ws-message, ws-authorizer); `null`: none. */
  readonly wsReservedConcurrency: number | null;
  /**
   * The account's Lambda concurrency quota in the Region. The reservations must leave 100
   * unreserved (Lambda refuses the deploy otherwise): parseStackSettings checks that at synth.
   */
  readonly lambdaConcurrencyQuota: number;
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
  // Off: relay needs one execution per events-table stream shard (ParallelizationFactor 1), and
  // DynamoDB sets that count (one per partition, changing as partitions split), so no number
  // fits at synth time; it draws from the unreserved pool the edge reservations protect.
  relayReservedConcurrency: null,
  // The seed's join snapshots are 8,334 requests/s (500,000 viewers in 60 s) and, with the
  // appsync-events broadcaster, chat, likes and bids come over HTTP too (1,000/s at the seed):
  // 9,500 leaves 500 of the account's 10,000 requests/s for the WebSocket API, which that
  // broadcaster's viewers do not use. Burst: the account's 5,000.
  httpRateLimit: 9500,
  httpBurstLimit: 5000,
  // A miss computes (~200 ms, estimate): 200/s bounds that to ~40 executions.
  recommendRateLimit: 200,
  recommendBurstLimit: 400,
  // Sized by the capacity model (`npm run capacity`, hop "http-api concurrency at the stage
  // throttle"): (9,500 − 200)/s × 50 ms + 200/s × 200 ms = 505, rounded up.
  httpApiReservedConcurrency: 510,
  // With the default broadcaster (appsync-events) the WebSocket API carries no viewer traffic:
  // 25 per function caps a flood there and leaves the consumers their unreserved demand (283 at
  // the seed). With broadcaster=apigateway the default is WS_RESERVED_PER_CONNECTION_PATH.
  wsReservedConcurrency: 25,
  lambdaConcurrencyQuota: 1000,
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
    // 2,000 beats/s per channel at the seed ÷ 800 → 3.
    subPartitions: 3,
    // 3,334 sessions per sub-partition × 40 B = 133 KB → 2 buckets of ~67 KB (< bucketMaxBytes 100,000).
    buckets: 2,
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
  httpRateLimit: 'requests/s, 1..1000000',
  httpBurstLimit: 'requests, 1..1000000',
  recommendRateLimit: 'requests/s, 1..1000000',
  recommendBurstLimit: 'requests, 1..1000000',
  httpApiReservedConcurrency: 'an integer 1..10000, or none',
  wsReservedConcurrency: 'an integer 1..10000, or none',
  lambdaConcurrencyQuota: "the account's Lambda concurrency quota, 1..1000000",
  wsRateLimit: 'requests/s, 1..1000000',
  wsBurstLimit: 'requests, 1..1000000',
  shardSize: 'connections, 1..10000',
  presenceTtlSeconds: 'seconds, 5..3600',
  presenceIngress: PRESENCE_INGRESSES.join(' | '),
  beaconLogShards: 'shards, 1..10000',
  presenceShards: 'shards, 1..10000',
  presenceSubPartitions: 'sub-partitions per channel, 1..1000',
  presenceBuckets: 'bucket items per sub-partition, 1..1000',
} as const;
export type StackContextKey = keyof typeof STACK_CONTEXT_KEYS;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const contextSchema = z.strictObject({
  broadcaster: z.enum(BROADCASTERS).optional(),
  feedShards: int(1, 500).optional(),
  recommendShards: int(1, 500).optional(),
  relayReservedConcurrency: z.union([z.literal('none'), int(1, 10_000)]).optional(),
  httpRateLimit: int(1, 1_000_000).optional(),
  httpBurstLimit: int(1, 1_000_000).optional(),
  recommendRateLimit: int(1, 1_000_000).optional(),
  recommendBurstLimit: int(1, 1_000_000).optional(),
  httpApiReservedConcurrency: z.union([z.literal('none'), int(1, 10_000)]).optional(),
  wsReservedConcurrency: z.union([z.literal('none'), int(1, 10_000)]).optional(),
  lambdaConcurrencyQuota: int(1, 1_000_000).optional(),
  wsRateLimit: int(1, 1_000_000).optional(),
  wsBurstLimit: int(1, 1_000_000).optional(),
  // The functions validate SHARD_SIZE and PRESENCE_TTL_SECONDS with these ranges at cold start.
  shardSize: int(1, 10_000).optional(),
  presenceTtlSeconds: int(5, 3600).optional(),
  presenceIngress: z.enum(PRESENCE_INGRESSES).optional(),
  beaconLogShards: int(1, 10_000).optional(),
  presenceShards: int(1, 10_000).optional(),
  presenceSubPartitions: int(1, 1_000).optional(),
  presenceBuckets: int(1, 1_000).optional(),
});

/** A context value is missing when unset or empty (`-c key=` clears a cdk.json value). */
const present = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/**
 * The settings for these context values; throws one Error naming every bad key and what it
 * accepts. `read` is `(key) => app.node.tryGetContext(key)` in the app, a plain lookup elsewhere.
 */
/** wsReservedConcurrency's default with broadcaster=apigateway: wsRateLimit 2,000/s per route × 30 ms (estimate). */
export const WS_RESERVED_PER_CONNECTION_PATH = 60;

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
    throw new Error(
      'invalid CDK context: presenceIngress=websocket needs broadcaster=apigateway (AppSync viewers beat through the beacon)',
    );
  }
  const reservation = (value: number | 'none' | undefined, fallback: number | null): number | null =>
    value === 'none' ? null : (value ?? fallback);
  const settings: StackSettings = {
    ...d,
    broadcaster,
    feedShards: c.feedShards ?? d.feedShards,
    recommendShards: c.recommendShards ?? d.recommendShards,
    relayReservedConcurrency: reservation(c.relayReservedConcurrency, d.relayReservedConcurrency),
    httpRateLimit: c.httpRateLimit ?? d.httpRateLimit,
    httpBurstLimit: c.httpBurstLimit ?? d.httpBurstLimit,
    recommendRateLimit: c.recommendRateLimit ?? d.recommendRateLimit,
    recommendBurstLimit: c.recommendBurstLimit ?? d.recommendBurstLimit,
    httpApiReservedConcurrency: reservation(c.httpApiReservedConcurrency, d.httpApiReservedConcurrency),
    wsReservedConcurrency: reservation(
      c.wsReservedConcurrency,
      broadcaster === 'apigateway' ? WS_RESERVED_PER_CONNECTION_PATH : d.wsReservedConcurrency,
    ),
    lambdaConcurrencyQuota: c.lambdaConcurrencyQuota ?? d.lambdaConcurrencyQuota,
    wsRateLimit: c.wsRateLimit ?? d.wsRateLimit,
    wsBurstLimit: c.wsBurstLimit ?? d.wsBurstLimit,
    shardSize: c.shardSize ?? d.shardSize,
    presence: {
      ...d.presence,
      // The beacon on both broadcasters: beat frames over the WebSocket API are 100,000 requests/s at
      // the seed, 10× the account's API Gateway quota (`npm run capacity`); `websocket` is opt-in
      // (apigateway only: AppSync viewers hold no API Gateway connection to beat over).
      ingress: c.presenceIngress ?? d.presence.ingress,
      ttlSeconds: c.presenceTtlSeconds ?? d.presence.ttlSeconds,
      beaconLogShards: c.beaconLogShards ?? d.presence.beaconLogShards,
      presenceShards: c.presenceShards ?? d.presence.presenceShards,
      subPartitions: c.presenceSubPartitions ?? d.presence.subPartitions,
      buckets: c.presenceBuckets ?? d.presence.buckets,
    },
  };
  assertReservationsFit(settings);
  return settings;
};

/** Throws when the reservations would not leave Lambda's 100 unreserved of lambdaConcurrencyQuota (the stack checks this too). */
export const assertReservationsFit = (settings: StackSettings): void => {
  const reserved = totalReservedConcurrency(settings);
  if (reserved > 0 && reserved > settings.lambdaConcurrencyQuota - MIN_UNRESERVED_CONCURRENCY) {
    throw new Error(
      `the reserved concurrency (${reserved}: ${reservationsOf(settings)
        .map(([n, v]) => `${n} ${v}`)
        .join(', ')}) must leave ` +
        `${MIN_UNRESERVED_CONCURRENCY} of lambdaConcurrencyQuota=${settings.lambdaConcurrencyQuota} unreserved (Lambda refuses the deploy otherwise). ` +
        'Lower httpApiReservedConcurrency / wsReservedConcurrency / relayReservedConcurrency (or set them to none), or raise the quota (docs/DEPLOY.md, "Accounts with a low concurrency quota").',
    );
  }
};

/** Lambda keeps at least this much of an account's concurrency unreserved and refuses reservations that would cut into it. */
export const MIN_UNRESERVED_CONCURRENCY = 100;

/** The WebSocket edge functions wsReservedConcurrency applies to (ws-authorizer only exists with identity; counted anyway, so turning identity on never breaks the fit). */
export const WS_EDGE_FUNCTIONS = ['ws-connect', 'ws-disconnect', 'ws-message', 'ws-authorizer'] as const;

/** Each function's reserved concurrency under these settings (functions without one are left out). */
export const reservationsOf = (s: StackSettings): [string, number][] => [
  ...(s.httpApiReservedConcurrency === null ? [] : [['http-api', s.httpApiReservedConcurrency] as [string, number]]),
  ...(s.wsReservedConcurrency === null
    ? []
    : WS_EDGE_FUNCTIONS.map((n) => [n, s.wsReservedConcurrency as number] as [string, number])),
  ...(s.relayReservedConcurrency === null ? [] : [['relay', s.relayReservedConcurrency] as [string, number]]),
];

export const totalReservedConcurrency = (s: StackSettings): number =>
  reservationsOf(s).reduce((sum, [, v]) => sum + v, 0);

/** `key=value` pairs (the CLI's `--context`) as a context reader; throws on a pair without `=` or an unknown key. */
export const contextFromPairs = (pairs: readonly string[]): ((key: StackContextKey) => unknown) => {
  const values = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    if (at < 0 || !(key in STACK_CONTEXT_KEYS)) {
      throw new Error(
        `context "${pair}" must be key=value with key one of ${Object.keys(STACK_CONTEXT_KEYS).join(', ')}`,
      );
    }
    values.set(key, pair.slice(at + 1));
  }
  return (key) => values.get(key);
};
