import { z } from 'zod';

/**
 * The environment each Lambda reads ONCE at init, validated with zod. One catalogue of
 * variables (what each must look like) and one schema per function, picked from it — the
 * CDK stack (infra/) sets exactly these variables and grants exactly the matching resources,
 * and a test checks the two agree. A bad environment must fail the cold start with a message
 * naming every missing or malformed variable, not with an SDK error on the first request.
 */

/** The Lambda entrypoints, fixed (docs/ARCHITECTURE.md): the build and the CDK app use these names. */
export const LAMBDA_NAMES = [
  'relay',
  'fanout',
  // The fan-out of the appsync-events broadcaster: Kinesis → AppSync Events publish (no queue, no broadcast function).
  'fanout-events',
  'broadcast',
  'ws-connect',
  'ws-disconnect',
  'ws-message',
  'http-api',
  'presence',
  'booking',
  'auction-close',
  'recommend-consumer',
  'ws-authorizer',
  // Integration events out: the events table's stream → SNS FIFO topic (docs/INTEGRATION.md).
  'integration-publisher',
  // The beacon presence path (presenceIngress=beacon): CloudFront real-time log lines → presence stream → packed buckets.
  'beat-router',
  'presence-aggregator',
] as const;
export type LambdaName = (typeof LAMBDA_NAMES)[number];

/** Object key prefixes in BLOB_BUCKET; the stack's lifecycle rule and CloudFront origin use the same. */
export const DEFAULT_OFFLOAD_PREFIX = 'offload/';
export const DEFAULT_STATS_OBJECT_KEY = 'public/stats.json';

// DynamoDB: 3–255 of [a-zA-Z0-9_.-]; Kinesis: 1–128 of the same; S3: 3–63 lowercase, dots, hyphens.
const tableName = z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/);
const streamName = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/);
const httpUrl = z.url({ protocol: /^https?$/ });
const queueUrl = httpUrl.refine((u) => new URL(u).pathname.split('/').filter(Boolean).length >= 2, {
  message: 'not a queue URL (…/<account>/<queue-name>)',
});
const fifoQueueUrl = queueUrl.refine((u) => u.endsWith('.fifo'), {
  message: 'not a FIFO queue (name must end in .fifo)',
});
/** An integer in a range, from a string or a number (environment variables, flags). */
export const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** Powertools' log levels, any case. */
export const LogLevel = z.preprocess(
  (v) => (typeof v === 'string' ? v.toUpperCase() : v),
  z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT']),
);

interface VariableSpec {
  readonly schema: z.ZodType;
  /** What a valid value looks like, for the error message. */
  readonly expected: string;
  /** A valid value (undefined for optional variables): docs, and the build's load check. */
  readonly example: string | undefined;
  /** Never echo the value (it may hold a password). */
  readonly secret?: boolean;
}

const SQS = 'https://sqs.eu-west-1.amazonaws.com/123456789012';

/**
 * Every abuse limit (docs/SECURITY.md), once: its variable in a Lambda's environment, its default,
 * whether it is a burst (an integer) or a refill rate (per second), and what it bounds. The
 * Lambdas' schemas below and `npm start`'s flags (local/local-config.ts) are both made from it.
 */
export const ABUSE_LIMIT_SPECS = {
  chatBurst: { variable: 'CHAT_BURST', default: 5, help: 'chat messages a connection may send at once' },
  chatPerSecond: { variable: 'CHAT_PER_SECOND', default: 1, help: 'chat messages per second a connection may send' },
  likeBurst: { variable: 'LIKE_BURST', default: 30, help: 'like frames a connection may send at once' },
  likePerSecond: { variable: 'LIKE_PER_SECOND', default: 10, help: 'like frames per second a connection may send' },
  chatUserBurst: { variable: 'CHAT_USER_BURST', default: 10, help: 'chat messages one user may send at once' },
  chatUserPerSecond: {
    variable: 'CHAT_USER_PER_SECOND',
    default: 2,
    help: 'chat messages per second one user may send',
  },
  likeUserBurst: { variable: 'LIKE_USER_BURST', default: 60, help: 'like frames one user may send at once' },
  likeUserPerSecond: {
    variable: 'LIKE_USER_PER_SECOND',
    default: 20,
    help: 'like frames per second one user may send',
  },
  bidBurst: { variable: 'BID_BURST', default: 5, help: 'bids a user or connection may place at once' },
  bidPerSecond: { variable: 'BID_PER_SECOND', default: 1, help: 'bids per second a user or connection may place' },
  heartbeatBurst: { variable: 'HEARTBEAT_BURST', default: 5, help: 'heartbeats a connection may send at once' },
  heartbeatPerSecond: {
    variable: 'HEARTBEAT_PER_SECOND',
    default: 1,
    help: 'heartbeats per second a connection may send',
  },
  maxConnectionsPerUser: {
    variable: 'MAX_CONNECTIONS_PER_USER',
    default: 5,
    help: 'WebSocket connections one signed-in user may hold at once',
  },
} as const;
type AbuseLimitKey = keyof typeof ABUSE_LIMIT_SPECS;

/** Every budget and size of the abuse controls: per connection, per user across its connections (`*User*`). */
export type AbuseLimits = { readonly [K in AbuseLimitKey]: number };

const ABUSE_LIMIT_KEYS = Object.keys(ABUSE_LIMIT_SPECS) as AbuseLimitKey[];

/** The defaults of both settings schemas: a Lambda's environment below, the local runtime's flags. */
export const DEFAULT_ABUSE_LIMITS = Object.fromEntries(
  ABUSE_LIMIT_KEYS.map((k) => [k, ABUSE_LIMIT_SPECS[k].default]),
) as AbuseLimits;

/** A limit's schema: rates are numbers 0..10000, bursts integers 1..10000, connections 1..1000. */
export const abuseLimitSchema = (key: AbuseLimitKey): z.ZodDefault<z.ZodCoercedNumber> => {
  const { default: fallback } = ABUSE_LIMIT_SPECS[key];
  if (key.endsWith('PerSecond')) return z.coerce.number().min(0).max(10_000).default(fallback);
  return intIn(1, key === 'maxConnectionsPerUser' ? 1_000 : 10_000).default(fallback);
};

interface JsonRule {
  readonly type?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonRule[];
}
const jsonRules = new WeakMap<z.ZodType, JsonRule>();
/** A schema as JSON Schema (its type, range or list readable), computed once per schema. */
export const jsonRuleOf = (schema: z.ZodType): JsonRule => {
  let rule = jsonRules.get(schema);
  if (!rule)
    jsonRules.set(schema, (rule = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonRule));
  return rule;
};

/**
 * What a schema accepts, in words (`an integer 1..10000`, `a number 0..1`, `a | b`, `on or off`),
 * read from the schema itself: both settings catalogues (this one, `npm start`'s) describe
 * their ranges with it, so an error message cannot name another range than validation applies.
 */
export const ruleOf = (schema: z.ZodType): string | undefined => {
  const p = jsonRuleOf(schema);
  if (p.anyOf?.some((a) => a.type === 'boolean')) return 'on or off (true/false, yes/no, 1/0)';
  if (p.enum) return p.enum.map((value) => String(value).toLowerCase()).join(' | ');
  if (p.type === 'integer') return `an integer ${p.minimum}..${p.maximum}`;
  if (p.type === 'number') return `a number ${p.minimum}..${p.maximum}`;
  return undefined;
};

/** The largest broadcast message body fan-out builds (SQS allows 256 KiB with attributes). */
export const DEFAULT_MAX_MESSAGE_BYTES = 120 * 1024;

/** A catalogue entry: the schema, what a valid value looks like, a valid example (none: optional). */
const v = <S extends z.ZodType>(schema: S, expected: string, example: string | undefined, secret = false) => ({
  schema,
  expected,
  example,
  ...(secret ? { secret } : {}),
});
/**
 * A numeric entry: what it accepts is read from its schema (when an error message asks: a cold
 * start does not pay for it); its example is its default unless given.
 */
const limit = <S extends z.ZodType>(schema: S, what: string, example?: string) => ({
  schema,
  get expected() {
    return `${ruleOf(schema)} (${what})`;
  },
  example: example ?? String(schema.parse(undefined)),
});

type AbuseLimitVariable = (typeof ABUSE_LIMIT_SPECS)[AbuseLimitKey]['variable'];

/** The variable of each abuse limit; `abuseLimitsOf` reads them back. */
const ABUSE_LIMIT_VARIABLES = Object.fromEntries(
  ABUSE_LIMIT_KEYS.map((key) => {
    const spec = ABUSE_LIMIT_SPECS[key];
    return [spec.variable, limit(abuseLimitSchema(key), spec.help)];
  }),
) as { readonly [V in AbuseLimitVariable]: VariableSpec & { readonly schema: z.ZodDefault<z.ZodCoercedNumber> } };

const emulator = (service: string) =>
  v(httpUrl.optional(), `optional: the ${service} emulator URL; leave unset in AWS`, undefined);
const table = (what: string, example: string) => v(tableName, `the ${what} DynamoDB table name`, example);
const anyQueue = (name: string) => v(queueUrl, 'an SQS queue URL', `${SQS}/${name}`);

/** Every variable any Lambda reads. Names are the contract with infra/ and docs/DEPLOY.md. */
export const ENV_VARIABLES = {
  AWS_REGION: v(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/), 'an AWS Region (Lambda sets it)', 'eu-west-1'),
  AWS_ENDPOINT_URL: v(
    httpUrl.optional(),
    'optional: an emulator URL such as http://127.0.0.1:4566; leave unset in AWS',
    undefined,
  ),
  // The SDK's own per-service names: emulators listen on one port each (tests, the emulator runtime).
  AWS_ENDPOINT_URL_DYNAMODB: emulator('DynamoDB'),
  AWS_ENDPOINT_URL_KINESIS: emulator('Kinesis'),
  AWS_ENDPOINT_URL_SQS: emulator('SQS'),
  AWS_ENDPOINT_URL_S3: emulator('S3'),
  AWS_ENDPOINT_URL_SNS: emulator('SNS'),
  POWERTOOLS_SERVICE_NAME: v(z.string().min(1).default('stampede'), 'a service name for logs and metrics', 'stampede'),
  POWERTOOLS_METRICS_NAMESPACE: v(
    z
      .string()
      .regex(/^[\w./#:-]{1,255}$/)
      .default('Stampede'),
    'a CloudWatch metrics namespace',
    'Stampede',
  ),
  LOG_LEVEL: v(LogLevel.default('INFO'), 'one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT', 'INFO'),
  EVENTS_TABLE: table('events', 'stampede-events'),
  SNAPSHOTS_TABLE: table('state snapshots', 'stampede-snapshots'),
  CONNECTIONS_TABLE: table('WebSocket connections', 'stampede-connections'),
  PRESENCE_TABLE: table('presence', 'stampede-presence'),
  STATS_TABLE: table('counters', 'stampede-stats'),
  FEED_STREAM_NAME: v(streamName, 'the live-feed Kinesis stream name', 'stampede-feed'),
  RECOMMEND_STREAM_NAME: v(streamName, 'the recommendation-request Kinesis stream name', 'stampede-recommend-requests'),
  BROADCAST_QUEUE_URL: anyQueue('stampede-broadcast'),
  BOOKING_QUEUE_URL: v(fifoQueueUrl, 'an SQS FIFO queue URL (ends in .fifo)', `${SQS}/stampede-booking.fifo`),
  BOOKING_PARKED_QUEUE_URL: v(queueUrl, 'an SQS standard queue URL', `${SQS}/stampede-booking-parked`),
  HEARTBEAT_QUEUE_URL: anyQueue('stampede-heartbeat'),
  SCHEDULER_QUEUE_URL: anyQueue('stampede-scheduler'),
  BLOB_BUCKET: v(
    z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
    'an S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)',
    'stampede-blobs-123456789012',
  ),
  BLOB_OFFLOAD_PREFIX: v(
    z
      .string()
      .regex(/^[\w.-]+\/$/)
      .default(DEFAULT_OFFLOAD_PREFIX),
    'an S3 key prefix ending in "/"',
    DEFAULT_OFFLOAD_PREFIX,
  ),
  STATS_OBJECT_KEY: v(
    z
      .string()
      .regex(/^[\w./-]+\.json$/)
      .default(DEFAULT_STATS_OBJECT_KEY),
    'an S3 object key ending in .json',
    DEFAULT_STATS_OBJECT_KEY,
  ),
  WS_MANAGEMENT_ENDPOINT: v(
    httpUrl,
    'the WebSocket API stage callback URL (https://<api-id>.execute-api.<region>.amazonaws.com/<stage>)',
    'https://abc123.execute-api.eu-west-1.amazonaws.com/live',
  ),
  EVENT_API_HTTP_ENDPOINT: v(
    httpUrl.refine((u) => new URL(u).pathname === '/event', { message: 'must end in /event' }),
    "the AppSync Event API's HTTP publish endpoint (https://<httpDns>/event)",
    'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/event',
  ),
  EVENT_API_NAMESPACE: v(
    z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/)
      .default('live'),
    'the channel namespace live channels are published in (1–50 letters, digits, inner hyphens)',
    'live',
  ),
  INTEGRATION_TOPIC_ARN: v(
    z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,251}\.fifo$/, 'not an SNS FIFO topic ARN'),
    'the integration SNS FIFO topic ARN (name ends in .fifo)',
    'arn:aws:sns:eu-west-1:123456789012:stampede-integration.fifo',
  ),
  SHARD_SIZE: limit(intIn(1, 10_000).default(500), 'most connections one broadcast message posts to'),
  MAX_MESSAGE_BYTES: limit(
    intIn(1_024, 256 * 1024).default(DEFAULT_MAX_MESSAGE_BYTES),
    'largest broadcast message body fan-out builds',
  ),
  ...ABUSE_LIMIT_VARIABLES,
  PRESENCE_TTL_SECONDS: limit(intIn(5, 3600).default(15), 'seconds a heartbeat keeps a viewer counted'),
  // At least 32 bytes: the HMAC key of the beacon tokens (adapters/crypto/beacon-tokens-adapter-hmac.ts).
  BEACON_TOKEN_KEY: v(
    z.string().refine((value) => Buffer.byteLength(value) >= 32, 'must be at least 32 bytes'),
    'the beacon token HMAC key, at least 32 bytes (the stack generates one in Secrets Manager)',
    'example-beacon-token-key-0123456789abcdef',
    true,
  ),
  BEACON_URL: v(
    z
      .string()
      .refine((value) => /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/beat$/.test(value) || value === '/beat', {
        message: 'must be https://<host>/beat, or /beat (same origin, local runtime)',
      })
      .default('/beat'),
    'where viewers send beacons: https://<beacon distribution>/beat (or /beat on the same origin)',
    'https://d111111abcdef8.cloudfront.net/beat',
  ),
  PRESENCE_STREAM_NAME: v(
    streamName,
    'the presence Kinesis stream name (beats and ticks, key <channel>#<k>)',
    'stampede-presence',
  ),
  PRESENCE_STREAM_SHARDS: limit(
    intIn(1, 10_000),
    "the presence stream's shard count; explicit hash keys place sub-partitions",
    '150',
  ),
  PRESENCE_SUB_PARTITIONS: limit(
    intIn(1, 1_000).default(3),
    'sub-partitions K per channel, the same for router and aggregator',
  ),
  PRESENCE_BUCKETS: limit(intIn(1, 1_000).default(2), 'packed bucket items B per sub-partition'),
  REDIS_URL: v(
    z
      .url({ protocol: /^rediss?$/ })
      .refine(
        (url) => [null, 'true', 'false'].includes(new URL(url).searchParams.get('cluster')),
        'cluster= must be true or false',
      )
      .optional(),
    'optional: redis://host:6379 or rediss://user:password@host:6379 (add ?cluster=true for a cluster endpoint)',
    undefined,
    true,
  ),
  RECOMMEND_CACHE_TTL_SECONDS: limit(intIn(1, 86_400).default(3600), 'seconds a cached recommendation lives'),
  // Exact origins only: a wildcard would let any page read answers meant for the stack's own pages.
  ALLOWED_ORIGINS: v(
    z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== ''),
      )
      .pipe(
        z.array(
          z
            .string()
            .regex(
              /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/,
              'each origin must be scheme://host[:port], no path, no wildcard',
            ),
        ),
      ),
    'comma-separated page origins allowed by CORS, e.g. https://d111.cloudfront.net,http://localhost:3000 (no wildcard)',
    'https://d111111abcdef8.cloudfront.net',
  ),
  JWT_ISSUER: v(
    z.url({ protocol: /^https$/ }),
    'the OIDC issuer URL (https), e.g. https://cognito-idp.<region>.amazonaws.com/<pool-id>',
    'https://issuer.example.com/',
  ),
  JWT_AUDIENCE: v(z.string().min(1), 'the expected token audience (aud), e.g. an app client id', 'stampede'),
  JWKS_URL: v(httpUrl.optional(), 'optional: the JWKS URL; defaults to <issuer>/.well-known/jwks.json', undefined),
  ALLOW_ANONYMOUS_VIEWERS: v(
    z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    'true or false: may viewers without a token connect (to watch only; never to bid, chat or like)',
    'true',
  ),
} as const satisfies Record<string, VariableSpec>;
export type EnvVariable = keyof typeof ENV_VARIABLES;

type ShapeOf<K extends EnvVariable> = { [P in K]: (typeof ENV_VARIABLES)[P]['schema'] };

/** A zod object schema over the named variables. */
export const envSchema = <K extends EnvVariable>(...names: readonly K[]): z.ZodObject<ShapeOf<K>> =>
  z.object(Object.fromEntries(names.map((n) => [n, ENV_VARIABLES[n].schema])) as ShapeOf<K>);

const COMMON = [
  'AWS_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_KINESIS',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_S3',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'LOG_LEVEL',
] as const;
const BLOBS = ['BLOB_BUCKET', 'BLOB_OFFLOAD_PREFIX'] as const;
const LIMITS = Object.keys(ABUSE_LIMIT_VARIABLES) as AbuseLimitVariable[];

type LimitSettings = { readonly [V in AbuseLimitVariable]: number };

/** The abuse limits of a function whose schema reads them (ws-connect, ws-disconnect, ws-message, http-api). */
export const abuseLimitsOf = (c: LimitSettings): AbuseLimits =>
  Object.fromEntries(ABUSE_LIMIT_KEYS.map((k) => [k, c[ABUSE_LIMIT_SPECS[k].variable]])) as AbuseLimits;

/**
 * The join answers' beacon grant (ws-message's `joined` frame, http-api's beacon route): present
 * only with the beacon presence path (the stack sets them when presenceIngress=beacon).
 */
const BEACON_GRANT = {
  BEACON_TOKEN_KEY: ENV_VARIABLES.BEACON_TOKEN_KEY.schema.optional(),
  BEACON_URL: ENV_VARIABLES.BEACON_URL.schema,
};

/**
 * What each function reads. Queue producers and consumers of offloaded bodies get BLOB_*:
 * the SQS adapter moves bodies over the SQS limit to S3 and reads them back.
 */
export const lambdaConfigSchemas = {
  relay: envSchema(...COMMON, 'FEED_STREAM_NAME'),
  fanout: envSchema(...COMMON, ...BLOBS, 'CONNECTIONS_TABLE', 'BROADCAST_QUEUE_URL', 'SHARD_SIZE', 'MAX_MESSAGE_BYTES'),
  'fanout-events': envSchema(...COMMON, 'EVENT_API_HTTP_ENDPOINT', 'EVENT_API_NAMESPACE'),
  // Deliveries that failed for a reason other than Gone are re-enqueued for the failed connections only.
  broadcast: envSchema(
    ...COMMON,
    ...BLOBS,
    'CONNECTIONS_TABLE',
    'BROADCAST_QUEUE_URL',
    'WS_MANAGEMENT_ENDPOINT',
    'SHARD_SIZE',
  ),
  'ws-connect': envSchema(...COMMON, ...LIMITS, 'CONNECTIONS_TABLE', 'SHARD_SIZE'),
  // A closed socket ends its viewer session at once: an `end` message on the heartbeat queue.
  'ws-disconnect': envSchema(...COMMON, ...LIMITS, 'CONNECTIONS_TABLE', 'SHARD_SIZE', 'HEARTBEAT_QUEUE_URL'),
  'ws-message': envSchema(
    ...COMMON,
    ...LIMITS,
    'EVENTS_TABLE',
    'SNAPSHOTS_TABLE',
    'CONNECTIONS_TABLE',
    'SHARD_SIZE',
    'FEED_STREAM_NAME',
    'HEARTBEAT_QUEUE_URL',
    'SCHEDULER_QUEUE_URL',
    'WS_MANAGEMENT_ENDPOINT',
    'PRESENCE_TTL_SECONDS',
  ).extend(BEACON_GRANT),
  // No BLOB_*: its queue messages (bookings, heartbeats, auction timers) are far below the SQS limit.
  'http-api': envSchema(
    ...COMMON,
    ...LIMITS,
    'EVENTS_TABLE',
    'SNAPSHOTS_TABLE',
    'CONNECTIONS_TABLE',
    'FEED_STREAM_NAME',
    'STATS_TABLE',
    'RECOMMEND_STREAM_NAME',
    'BOOKING_QUEUE_URL',
    'HEARTBEAT_QUEUE_URL',
    'SCHEDULER_QUEUE_URL',
    'PRESENCE_TTL_SECONDS',
    'REDIS_URL',
    'RECOMMEND_CACHE_TTL_SECONDS',
    'ALLOWED_ORIGINS',
  ).extend(BEACON_GRANT),
  // Follow-up recounts are delayed messages the presence consumer sends to its own queue.
  presence: envSchema(...COMMON, 'EVENTS_TABLE', 'PRESENCE_TABLE', 'HEARTBEAT_QUEUE_URL', 'PRESENCE_TTL_SECONDS'),
  booking: envSchema(
    ...COMMON,
    ...BLOBS,
    'EVENTS_TABLE',
    'STATS_TABLE',
    'STATS_OBJECT_KEY',
    'BOOKING_PARKED_QUEUE_URL',
  ),
  'auction-close': envSchema(...COMMON, ...BLOBS, 'EVENTS_TABLE', 'SNAPSHOTS_TABLE', 'SCHEDULER_QUEUE_URL'),
  // Consumes the request stream and the feed stream; FEED_STREAM_NAME tells their records apart.
  'recommend-consumer': envSchema(...COMMON, 'FEED_STREAM_NAME', 'REDIS_URL', 'RECOMMEND_CACHE_TTL_SECONDS'),
  'ws-authorizer': envSchema(...COMMON, 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_URL', 'ALLOW_ANONYMOUS_VIEWERS'),
  'integration-publisher': envSchema(...COMMON, 'AWS_ENDPOINT_URL_SNS', 'INTEGRATION_TOPIC_ARN'),
  // Log lines with a valid token → presence stream under `<channel>#<k>`.
  'beat-router': envSchema(
    ...COMMON,
    'BEACON_TOKEN_KEY',
    'PRESENCE_STREAM_NAME',
    'PRESENCE_STREAM_SHARDS',
    'PRESENCE_SUB_PARTITIONS',
  ),
  // Packed buckets on the presence table; the count goes through the channel (events table); ticks back on its own stream.
  'presence-aggregator': envSchema(
    ...COMMON,
    'EVENTS_TABLE',
    'PRESENCE_TABLE',
    'PRESENCE_STREAM_NAME',
    'PRESENCE_STREAM_SHARDS',
    'PRESENCE_SUB_PARTITIONS',
    'PRESENCE_BUCKETS',
    'PRESENCE_TTL_SECONDS',
  ),
} as const satisfies Record<LambdaName, z.ZodObject>;

export type LambdaConfig<N extends LambdaName> = z.infer<(typeof lambdaConfigSchemas)[N]>;

/** One variable that failed validation. */
export interface ConfigProblem {
  readonly variable: string;
  /** `missing`, or what is wrong with the value. */
  readonly problem: string;
  readonly expected: string;
}

/** The environment does not satisfy a function's schema; `problems` lists every variable at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly problems: readonly ConfigProblem[],
    context: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${context}: ${problems.length} environment variable(s) missing or malformed:\n` +
        problems.map((p) => `  - ${p.variable} is ${p.problem}; expected ${p.expected}\n`).join('') +
        'Set them on the function (the CDK stack in infra/ does) or in your shell for local runs.',
      options,
    );
  }
}

const withExample = (v: VariableSpec): string =>
  v.example === undefined ? v.expected : `${v.expected}, e.g. ${v.example}`;

const describeValue = (variable: string, raw: string): string => {
  const known: VariableSpec | undefined = ENV_VARIABLES[variable as EnvVariable];
  if (known?.secret === true) return '(value hidden)';
  return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 77)}...` : raw);
};

/**
 * Validates `env` against `schema`, once, at init. Empty strings count as unset (an unset
 * optional variable in a CloudFormation template often arrives as ""). Throws `ConfigError`
 * naming every missing or malformed variable — all of them, so one deploy fixes them all.
 */
export const loadConfig = <S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
  context = 'configuration',
): z.infer<S> => {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;

  const problems = new Map<string, ConfigProblem>();
  for (const issue of parsed.error.issues) {
    const variable = String(issue.path[0] ?? '(root)');
    if (problems.has(variable)) continue;
    const raw = input[variable];
    const known: VariableSpec | undefined = ENV_VARIABLES[variable as EnvVariable];
    problems.set(variable, {
      variable,
      problem: raw === undefined ? 'missing' : `malformed (${describeValue(variable, raw)}: ${issue.message})`,
      expected: known === undefined ? 'a valid value' : withExample(known),
    });
  }
  throw new ConfigError([...problems.values()], context, { cause: parsed.error });
};

/** The configuration of one Lambda, from `process.env` by default. */
export const loadLambdaConfig = <N extends LambdaName>(
  name: N,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LambdaConfig<N> => loadConfig(lambdaConfigSchemas[name], env, `Lambda "${name}" configuration`) as LambdaConfig<N>;

/** The variables a function must have set (no default, not optional): the stack must provide them. */
export const requiredVariables = (name: LambdaName): readonly EnvVariable[] =>
  // The function's own schema decides (a variable may be optional for one function, required for another).
  Object.entries(lambdaConfigSchemas[name].shape as Record<string, z.ZodType>)
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([key]) => key) as EnvVariable[];

/** A valid environment for a function, from the catalogue's examples (tests, the build's load check). */
export const exampleEnvironment = (name: LambdaName): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const key of Object.keys(lambdaConfigSchemas[name].shape)) {
    const example = ENV_VARIABLES[key as EnvVariable].example;
    if (example !== undefined) env[key] = example;
  }
  return env;
};
