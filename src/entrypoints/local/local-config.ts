import { z } from 'zod';
import { ABUSE_LIMIT_SPECS, abuseLimitSchema, ENV_VARIABLES, intIn, LogLevel, ruleOf } from '../composition/config.js';

const rate = z.coerce.number().min(0).max(1);
const flag = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v)),
]);

/** The order `npm start --help` lists the groups in. */
export const GROUPS = [
  'Server',
  'Backend',
  'Demo and output',
  'Fan-out pipeline',
  'Queues and retries',
  'WebSocket limits',
  'Abuse limits (per connection, and per user across connections)',
  'Presence and booking',
  'Chaos (at-least-once delivery, for testing)',
] as const;

/**
 * One setting: its schema (type, range, default: what validation and `--help` both read), the
 * group `--help` lists it in and what it does. `values` only where the schema's rule is a
 * pattern, not a range or a list; `default` where `npm start` applies another one (the demo).
 */
export interface LocalSetting<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly group: (typeof GROUPS)[number];
  readonly help: string;
  readonly values?: string;
  readonly placeholder?: string;
  readonly default?: string;
}
type More = Partial<Pick<LocalSetting, 'values' | 'placeholder' | 'default'>>;
const setting = <S extends z.ZodType>(
  schema: S,
  group: LocalSetting['group'],
  help: string,
  more: More = {},
): LocalSetting<S> => ({ schema, group, help, ...more });

const [SERVER, BACKEND, OUTPUT, PIPELINE, RETRIES, WEBSOCKET, ABUSE, PRESENCE, CHAOS] = GROUPS;
const capitalized = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

/** The abuse limits (docs/SECURITY.md), with the Lambdas' defaults and ranges (config.ts). */
const ABUSE_SETTINGS = Object.fromEntries(
  Object.entries(ABUSE_LIMIT_SPECS).map(([key, spec]) => [
    key,
    setting(
      abuseLimitSchema(key as keyof typeof ABUSE_LIMIT_SPECS),
      key === 'maxConnectionsPerUser' ? WEBSOCKET : ABUSE,
      capitalized(spec.help),
    ),
  ]),
) as { readonly [K in keyof typeof ABUSE_LIMIT_SPECS]: LocalSetting<z.ZodDefault<z.ZodCoercedNumber>> };

/**
 * The local runtime's settings. Each key is also a command-line flag (kebab-case:
 * `--relay-batch-size 50`) and an environment variable (`STAMPEDE_RELAY_BATCH_SIZE=50`;
 * `PORT` works too). Flags win over the environment, which wins over the schemas' defaults.
 */
export const LOCAL_SETTINGS = {
  host: setting(z.string().min(1).default('127.0.0.1'), SERVER, 'Interface the HTTP and WebSocket server listens on.', {
    values: 'a host name or IP',
  }),
  port: setting(
    intIn(0, 65_535).default(3000),
    SERVER,
    'Port of the HTTP API, the pages and the WebSocket (0 picks a free one).',
  ),
  wsPath: setting(
    z
      .string()
      .regex(/^\/[\w/-]*$/, 'wsPath must be a path such as /ws')
      .default('/ws'),
    SERVER,
    'Path of the WebSocket endpoint.',
    { values: 'a path such as /ws' },
  ),
  // Other backends than memory and emulators register themselves (local-backends.ts).
  backend: setting(
    z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .default('memory'),
    BACKEND,
    'Where state lives: memory (in-process twins, starts at once) or emulators (DynamoDB Local, which needs Java ≥ 11, plus kinesalite and fauxqs).',
  ),
  logLevel: setting(LogLevel.default('WARN'), OUTPUT, 'Log level of the handlers (JSON lines on stdout).'),
  // AWS picks with `-c broadcaster=…`.
  broadcaster: setting(
    z.enum(['apigateway', 'appsync-events']).default('apigateway'),
    BACKEND,
    'How frames reach viewers: the WebSocket API (one post per connection) or a local AppSync Events stand-in (development only).',
  ),
  eventApiPort: setting(
    intIn(0, 65_535).default(0),
    BACKEND,
    'Port of the AppSync Events stand-in with --broadcaster appsync-events (0: free).',
  ),
  progressIntervalMs: setting(
    intIn(0, 3_600_000).default(5_000),
    OUTPUT,
    'Print the progress line (connections, each stage’s records, backlog and DLQ; README "The progress line") at most this often, when it changed; 0: never.',
  ),
  shardSize: setting(
    ENV_VARIABLES.SHARD_SIZE.schema,
    PIPELINE,
    'Connections per channel shard: one broadcast message posts to at most this many.',
  ),
  feedShards: setting(intIn(1, 64).default(4), PIPELINE, 'Shards of the feed stream (Kinesis in AWS).'),
  changeStreamShards: setting(
    intIn(1, 64).default(4),
    PIPELINE,
    'Shards of the events table’s change stream (DynamoDB Streams in AWS).',
  ),
  relayBatchSize: setting(
    intIn(1, 10_000).default(100),
    PIPELINE,
    'Records per relay invocation (change stream → feed).',
  ),
  relayWindowMs: setting(intIn(0, 300_000).default(0), PIPELINE, 'How long the relay waits to fill a batch.'),
  relayMaxRetries: setting(
    intIn(-1, 10_000).default(10),
    RETRIES,
    'Retries of a failed relay batch before its records are discarded (-1: until they expire).',
  ),
  fanoutBatchSize: setting(
    intIn(1, 10_000).default(100),
    PIPELINE,
    'Records per fan-out invocation (feed → broadcast queue).',
  ),
  fanoutWindowMs: setting(intIn(0, 300_000).default(0), PIPELINE, 'How long the fan-out waits to fill a batch.'),
  fanoutMaxRetries: setting(
    intIn(-1, 10_000).default(10),
    RETRIES,
    'Retries of a failed fan-out batch before its records are discarded (-1: until they expire).',
  ),
  broadcastBatchSize: setting(
    intIn(1, 10_000).default(10),
    PIPELINE,
    'Messages per broadcast invocation (queue → connections).',
  ),
  broadcastWindowMs: setting(intIn(0, 300_000).default(0), PIPELINE, 'How long the broadcast waits to fill a batch.'),
  broadcastVisibilityTimeoutMs: setting(
    intIn(100, 43_200_000).default(5_000),
    RETRIES,
    'How long a received queue message stays hidden before it is handed out again.',
  ),
  broadcastConcurrency: setting(intIn(1, 64).default(4), PIPELINE, 'Broadcast invocations running at once.'),
  maxReceiveCount: setting(
    intIn(1, 1_000).default(5),
    RETRIES,
    'Receives of a queue message before it moves to its DLQ.',
  ),
  duplicateRate: setting(
    rate.default(0),
    CHAOS,
    'Chance that a stream batch or standard-queue message is delivered twice.',
  ),
  reorder: setting(flag.default(false), CHAOS, 'Standard queues hand messages out in random order.'),
  crashRate: setting(
    rate.default(0),
    CHAOS,
    'Chance that an invocation crashes mid-batch, after a prefix of its records had effects.',
  ),
  seed: setting(intIn(0, 2 ** 31 - 1).default(0), CHAOS, 'Seed of the chaos dice and the demo (0: not reproducible).'),
  maxMessageBytes: setting(
    ENV_VARIABLES.MAX_MESSAGE_BYTES.schema,
    PIPELINE,
    'Largest queue message; bigger payloads go to the blob store.',
  ),
  // API Gateway's 429 "client side buffer is full"; docs/PROTOCOL.md, "When the server closes".
  wsMaxBufferedBytes: setting(
    intIn(16 * 1024, 256 * 1024 * 1024).default(1024 * 1024),
    WEBSOCKET,
    'Bytes waiting to be sent to one connection before posts to it are refused (API Gateway’s 429).',
  ),
  wsSlowConsumerGraceMs: setting(
    intIn(0, 600_000).default(2_000),
    WEBSOCKET,
    'A connection still over that buffer this long after the first refused post is closed (4008).',
  ),
  ...ABUSE_SETTINGS,
  allowAnonymousViewers: setting(
    flag.default(true),
    WEBSOCKET,
    'Viewers without a token may connect and watch (never bid, chat or like).',
  ),
  presenceTtlSeconds: setting(
    ENV_VARIABLES.PRESENCE_TTL_SECONDS.schema,
    PRESENCE,
    'Seconds a heartbeat keeps a viewer counted (a few missed 5 s beats).',
  ),
  // Schedule it: `npx tsx scripts/seed-trips.ts`.
  defaultTripId: setting(
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'defaultTripId may contain letters, digits and _ . : -')
      .default('holiday-express'),
    PRESENCE,
    'The trip POST /api/book-bus books on.',
    { values: 'letters, digits and _ . : - (1..128)', placeholder: 'id' },
  ),
  // Without it the recommender's cache and read model stay in memory; with it, as the deployed functions keep them.
  redisUrl: setting(
    z
      .string()
      .refine(
        (v) => URL.canParse(v) && ['redis:', 'rediss:'].includes(new URL(v).protocol) && new URL(v).hostname !== '',
        'redisUrl must look like redis://host:port',
      )
      .optional(),
    BACKEND,
    'With --backend emulators: keep the recommender cache and read model in this Redis (rediss:// for TLS, ?cluster=true for a cluster); unset, they stay in memory.',
    { values: 'redis://host:port', placeholder: 'url' },
  ),
  // DynamoDB Local's database, kinesalite's and fauxqs's stores, the signing key, the pollers' positions.
  dataDir: setting(
    z.string().min(1).optional(),
    BACKEND,
    'With --backend emulators: keep tables, streams, queues, the development signing key and the pollers’ positions in this directory, so a restart (even after a kill) resumes where it stopped; locked while a runtime uses it.',
    { values: 'a directory', placeholder: 'dir' },
  ),
  // Off for startLocalRuntime (tests); `npm start` turns it on unless `--no-demo` (or STAMPEDE_DEMO=false).
  demo: setting(
    flag.default(false),
    OUTPUT,
    'Live channels, auctions, chat, likes, viewers and bookings driven through the real API (--no-demo starts empty).',
    { default: 'on' },
  ),
  showIntegrationEvents: setting(
    flag.default(false),
    OUTPUT,
    'Print each integration event (AuctionClosed, BookingConfirmed, LiveStarted…) as it is published to the integration topic (docs/INTEGRATION.md).',
  ),
};

type Schemas<T extends Record<string, LocalSetting>> = { [K in keyof T]: T[K]['schema'] };
export const LocalConfigSchema = z.object(
  Object.fromEntries(Object.entries(LOCAL_SETTINGS).map(([key, s]) => [key, s.schema])) as Schemas<
    typeof LOCAL_SETTINGS
  >,
);
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
  const setting: LocalSetting | undefined = (LOCAL_SETTINGS as Record<string, LocalSetting>)[key];
  return setting && ruleOf(setting.schema);
};

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
