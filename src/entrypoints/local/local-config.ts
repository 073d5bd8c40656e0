import { z } from 'zod';
import { DEFAULT_ABUSE_LIMITS as L, DEFAULT_MAX_MESSAGE_BYTES } from '../composition/config.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const rate = z.coerce.number().min(0).max(1);
const flag = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v)),
]);
const LogLevel = z.preprocess(
  (v) => (typeof v === 'string' ? v.toUpperCase() : v),
  z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT']),
);

/**
 * The local runtime's settings. Each key is also a command-line flag (kebab-case:
 * `--relay-batch-size 50`) and an environment variable (`STAMPEDE_RELAY_BATCH_SIZE=50`;
 * `PORT` works too). Flags win over the environment, which wins over these defaults.
 */
export const LocalConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: int(0, 65_535).default(3000),
  wsPath: z
    .string()
    .regex(/^\/[\w/-]*$/, 'wsPath must be a path such as /ws')
    .default('/ws'),
  /** `memory` (in-process twins); other backends (e.g. `emulators`) register themselves. */
  backend: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .default('memory'),
  logLevel: LogLevel.default('WARN'),
  /**
   * How frames reach viewers: `apigateway` (the WebSocket API, per-connection posts) or
   * `appsync-events` (the fan-out publishes to a local AppSync Events stand-in that viewers
   * subscribe to; development only). AWS picks with `-c broadcaster=…`.
   */
  broadcaster: z.enum(['apigateway', 'appsync-events']).default('apigateway'),
  /** The AppSync Events stand-in's port with `--broadcaster appsync-events` (0: a free one). */
  eventApiPort: int(0, 65_535).default(0),
  /** One progress line every this many ms (0: none). */
  progressIntervalMs: int(0, 3_600_000).default(5_000),
  /** Connections per channel shard (N): one broadcast message posts to at most this many. */
  shardSize: int(1, 10_000).default(500),
  feedShards: int(1, 64).default(4),
  changeStreamShards: int(1, 64).default(4),
  relayBatchSize: int(1, 10_000).default(100),
  relayWindowMs: int(0, 300_000).default(0),
  relayMaxRetries: int(-1, 10_000).default(10),
  fanoutBatchSize: int(1, 10_000).default(100),
  fanoutWindowMs: int(0, 300_000).default(0),
  fanoutMaxRetries: int(-1, 10_000).default(10),
  broadcastBatchSize: int(1, 10_000).default(10),
  broadcastWindowMs: int(0, 300_000).default(0),
  broadcastVisibilityTimeoutMs: int(100, 43_200_000).default(5_000),
  broadcastConcurrency: int(1, 64).default(4),
  maxReceiveCount: int(1, 1_000).default(5),
  /** Chaos: chance of an at-least-once duplicate (stream batches and standard queues). */
  duplicateRate: rate.default(0),
  /** Chaos: standard queues hand out messages in random order. */
  reorder: flag.default(false),
  /** Chaos: chance that an invocation crashes mid-batch (after a prefix of its records). */
  crashRate: rate.default(0),
  /** Seed for the chaos dice (0: not reproducible). */
  seed: int(0, 2 ** 31 - 1).default(0),
  maxMessageBytes: int(1_024, 256 * 1024).default(DEFAULT_MAX_MESSAGE_BYTES),
  /**
   * Bytes a WebSocket connection may have waiting to be sent before posts to it are refused (API
   * Gateway's 429 "client side buffer is full"); see docs/PROTOCOL.md, "When the server closes".
   */
  wsMaxBufferedBytes: int(16 * 1024, 256 * 1024 * 1024).default(1024 * 1024),
  /** A connection still over that buffer this long after its first refused post is closed with 4008 (slow consumer). */
  wsSlowConsumerGraceMs: int(0, 600_000).default(2_000),
  /** Abuse limits (docs/SECURITY.md), with the Lambdas' defaults (config.ts): per connection, per user across its connections. */
  chatBurst: int(1, 10_000).default(L.chatBurst),
  chatPerSecond: z.coerce.number().min(0).max(10_000).default(L.chatPerSecond),
  likeBurst: int(1, 10_000).default(L.likeBurst),
  likePerSecond: z.coerce.number().min(0).max(10_000).default(L.likePerSecond),
  chatUserBurst: int(1, 10_000).default(L.chatUserBurst),
  chatUserPerSecond: z.coerce.number().min(0).max(10_000).default(L.chatUserPerSecond),
  likeUserBurst: int(1, 10_000).default(L.likeUserBurst),
  likeUserPerSecond: z.coerce.number().min(0).max(10_000).default(L.likeUserPerSecond),
  bidBurst: int(1, 10_000).default(L.bidBurst),
  bidPerSecond: z.coerce.number().min(0).max(10_000).default(L.bidPerSecond),
  heartbeatBurst: int(1, 10_000).default(L.heartbeatBurst),
  heartbeatPerSecond: z.coerce.number().min(0).max(10_000).default(L.heartbeatPerSecond),
  maxConnectionsPerUser: int(1, 1_000).default(L.maxConnectionsPerUser),
  /** Viewers without a token may connect and watch (never bid, chat or like). */
  allowAnonymousViewers: flag.default(true),
  /** Presence (F5): seconds a heartbeat keeps a viewer counted (a few missed 5 s beats). */
  presenceTtlSeconds: int(5, 3_600).default(15),
  /** Booking (F6): the trip the seed's `POST /api/book-bus` books on (schedule it: `npx tsx scripts/seed-trips.ts`). */
  defaultTripId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'defaultTripId may contain letters, digits and _ . : -')
    .default('holiday-express'),
  /**
   * `--backend emulators` only: the recommender's cache and read model in this Redis (e.g.
   * `redis://127.0.0.1:6379`, one node), as the deployed functions keep them; unset, they stay
   * in memory. `rediss://` for TLS; add `?cluster=true` for a cluster endpoint.
   */
  redisUrl: z
    .string()
    .refine(
      (v) => URL.canParse(v) && ['redis:', 'rediss:'].includes(new URL(v).protocol) && new URL(v).hostname !== '',
      'redisUrl must look like redis://host:port',
    )
    .optional(),
  /**
   * `--backend emulators` only: keep everything in this directory (created if missing) —
   * DynamoDB Local's database, kinesalite's and fauxqs's stores, the development signing key and
   * the stream pollers' positions — so a restart on it resumes where the last run stopped. A
   * running runtime locks it. Unset: everything lives as long as the process.
   */
  dataDir: z.string().min(1).optional(),
  /**
   * Demo mode: live channels with products, auctions, bidders, chat, likes and viewers, and a
   * few trips, driven through the real API and WebSocket. Off for startLocalRuntime (tests);
   * `npm start` turns it on unless `--no-demo` (or STAMPEDE_DEMO=false).
   */
  demo: flag.default(false),
  /** Print each integration event as it is published to the integration topic (docs/INTEGRATION.md). */
  showIntegrationEvents: flag.default(false),
});
export type LocalConfig = z.infer<typeof LocalConfigSchema>;
export type LocalConfigInput = z.input<typeof LocalConfigSchema>;
export type LocalConfigKey = keyof LocalConfig;

export const LOCAL_CONFIG_KEYS = Object.keys(LocalConfigSchema.shape) as LocalConfigKey[];
export const flagOf = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const envOf = (key: string): string => `STAMPEDE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** The local configuration is invalid; the message names every bad setting and where it came from. */
export class LocalConfigError extends Error {
  override readonly name = 'LocalConfigError';
}

/** Settings from the environment (`STAMPEDE_*`, and `PORT`). */
export const localConfigFromEnv = (
  env: Readonly<Record<string, string | undefined>>,
): Partial<Record<LocalConfigKey, string>> => {
  const out: Partial<Record<LocalConfigKey, string>> = {};
  for (const key of LOCAL_CONFIG_KEYS) {
    const value =
      env[envOf(key)] ??
      (key === 'port' ? env['PORT'] : undefined) ??
      (key === 'logLevel' ? env['LOG_LEVEL'] : undefined);
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
};

/** Validates merged settings; throws `LocalConfigError` naming each bad one as flag and variable. */
export const parseLocalConfig = (input: Readonly<Record<string, unknown>>): LocalConfig => {
  const parsed = LocalConfigSchema.safeParse(input);
  const issues = parsed.success
    ? crossChecks(parsed.data)
    : parsed.error.issues.map((issue) => ({ key: String(issue.path[0] ?? ''), message: friendly(issue) }));
  if (parsed.success && issues.length === 0) return parsed.data;
  // One line per bad setting: what it is called, what it accepts, what it got.
  const lines = issues.map(
    ({ key, message }) => `--${flagOf(key)} / ${envOf(key)}: ${message} (got ${shown(key, input[key])})`,
  );
  throw new LocalConfigError(lines.join('\n'));
};

/** A setting's rule from its schema: `an integer 1..10000`, `apigateway | appsync-events`, `on or off`. */
export const schemaRuleOf = (key: string): string | undefined => {
  const p = jsonProperties()[key];
  if (!p) return undefined;
  if (p.anyOf?.some((a) => a.type === 'boolean')) return 'on or off (true/false, yes/no, 1/0)';
  if (p.enum) return p.enum.map((v) => v.toLowerCase()).join(' | ');
  if (p.type === 'integer') return `an integer ${p.minimum}..${p.maximum}`;
  if (p.type === 'number') return `a number ${p.minimum}..${p.maximum}`;
  return undefined;
};

interface JsonProperty {
  readonly type?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly string[];
  readonly anyOf?: readonly JsonProperty[];
}
let properties: Record<string, JsonProperty> | undefined;
/** The schema as JSON Schema (ranges and enums readable), computed once. */
export const jsonProperties = (): Record<string, JsonProperty> =>
  (properties ??= (
    z.toJSONSchema(LocalConfigSchema, { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, JsonProperty>;
    }
  ).properties);

/** zod's message for a wrong type or range says "expected number, received NaN"; people need the rule. */
const friendly = (issue: z.core.$ZodIssue): string => {
  const rule = schemaRuleOf(String(issue.path[0] ?? ''));
  const generic = ['invalid_type', 'too_small', 'too_big', 'invalid_value', 'invalid_union', 'not_multiple_of'];
  return rule && generic.includes(issue.code) ? `must be ${rule}` : issue.message;
};

/** Rules across settings, checked once each setting is valid on its own. */
const crossChecks = (c: LocalConfig): Array<{ key: LocalConfigKey; message: string }> => [
  ...(c.redisUrl !== undefined && c.backend === 'memory'
    ? [
        {
          key: 'redisUrl' as const,
          message: 'only the emulators backend uses Redis: add --backend emulators, or leave redisUrl out',
        },
      ]
    : []),
  ...(c.dataDir !== undefined && c.backend === 'memory'
    ? [
        {
          key: 'dataDir' as const,
          message:
            'the memory backend keeps nothing on disk: use --backend emulators to keep state in a data dir, or leave dataDir out',
        },
      ]
    : []),
];

/** A setting's value for an error message; a URL's credentials are never printed. */
const shown = (key: string, value: unknown): string => {
  if (key !== 'redisUrl' || typeof value !== 'string') return JSON.stringify(value);
  return URL.canParse(value)
    ? JSON.stringify(`${new URL(value).protocol}//${new URL(value).host}`)
    : '(a value that is not a URL)';
};
