import type { CommandSpec, FlagSpec } from '../cli/command-line.js';
import {
  envOf,
  flagOf,
  jsonProperties,
  LOCAL_CONFIG_KEYS,
  LocalConfigSchema,
  schemaRuleOf,
  type LocalConfigKey,
} from './local-config.js';

/**
 * `npm start`'s flags: one entry per setting of `LocalConfigSchema` (the type makes a new
 * setting without an entry a compile error). The entry says where `--help` lists it and what it
 * does; the flag's type, default and allowed values come from the schema itself, so the help and
 * the validation cannot disagree. `values` only where the schema's rule is not a range or a list.
 */
interface LocalFlagDoc {
  readonly group: (typeof GROUPS)[number];
  readonly help: string;
  readonly values?: string;
  readonly placeholder?: string;
  /** The default as `npm start` applies it, when it differs from the schema's (the demo). */
  readonly default?: string;
}

/** The order `--help` lists the groups in. */
const GROUPS = [
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

const perSecond = 'a number 0..10000 (tokens refilled per second)';

export const LOCAL_FLAG_DOCS = {
  host: { group: 'Server', help: 'Interface the HTTP and WebSocket server listens on.', values: 'a host name or IP' },
  port: { group: 'Server', help: 'Port of the HTTP API, the pages and the WebSocket (0 picks a free one).' },
  wsPath: { group: 'Server', help: 'Path of the WebSocket endpoint.', values: 'a path such as /ws' },
  backend: {
    group: 'Backend',
    help: 'Where state lives: memory (in-process twins, starts at once) or emulators (DynamoDB Local, which needs Java ≥ 11, plus kinesalite and fauxqs).',
  },
  broadcaster: {
    group: 'Backend',
    help: 'How frames reach viewers: the WebSocket API (one post per connection) or a local AppSync Events stand-in (development only).',
  },
  eventApiPort: {
    group: 'Backend',
    help: 'Port of the AppSync Events stand-in with --broadcaster appsync-events (0: free).',
  },
  redisUrl: {
    group: 'Backend',
    help: 'With --backend emulators: keep the recommender cache and read model in this Redis (rediss:// for TLS, ?cluster=true for a cluster); unset, they stay in memory.',
    values: 'redis://host:port',
    placeholder: 'url',
  },
  dataDir: {
    group: 'Backend',
    help: 'With --backend emulators: keep tables, streams, queues, the development signing key and the pollers’ positions in this directory, so a restart (even after a kill) resumes where it stopped; locked while a runtime uses it.',
    values: 'a directory',
    placeholder: 'dir',
  },
  demo: {
    group: 'Demo and output',
    help: 'Live channels, auctions, chat, likes, viewers and bookings driven through the real API (--no-demo starts empty).',
    default: 'on',
  },
  logLevel: { group: 'Demo and output', help: 'Log level of the handlers (JSON lines on stdout).' },
  showIntegrationEvents: {
    group: 'Demo and output',
    help: 'Print each integration event (AuctionClosed, BookingConfirmed, LiveStarted…) as it is published to the integration topic (docs/INTEGRATION.md).',
  },
  progressIntervalMs: {
    group: 'Demo and output',
    help: 'Print the progress line (connections, each stage’s records, backlog and DLQ; README "The progress line") at most this often, when it changed; 0: never.',
  },
  shardSize: {
    group: 'Fan-out pipeline',
    help: 'Connections per channel shard: one broadcast message posts to at most this many.',
  },
  feedShards: { group: 'Fan-out pipeline', help: 'Shards of the feed stream (Kinesis in AWS).' },
  changeStreamShards: {
    group: 'Fan-out pipeline',
    help: 'Shards of the events table’s change stream (DynamoDB Streams in AWS).',
  },
  relayBatchSize: { group: 'Fan-out pipeline', help: 'Records per relay invocation (change stream → feed).' },
  relayWindowMs: { group: 'Fan-out pipeline', help: 'How long the relay waits to fill a batch.' },
  fanoutBatchSize: { group: 'Fan-out pipeline', help: 'Records per fan-out invocation (feed → broadcast queue).' },
  fanoutWindowMs: { group: 'Fan-out pipeline', help: 'How long the fan-out waits to fill a batch.' },
  broadcastBatchSize: { group: 'Fan-out pipeline', help: 'Messages per broadcast invocation (queue → connections).' },
  broadcastWindowMs: { group: 'Fan-out pipeline', help: 'How long the broadcast waits to fill a batch.' },
  broadcastConcurrency: { group: 'Fan-out pipeline', help: 'Broadcast invocations running at once.' },
  maxMessageBytes: { group: 'Fan-out pipeline', help: 'Largest queue message; bigger payloads go to the blob store.' },
  relayMaxRetries: {
    group: 'Queues and retries',
    help: 'Retries of a failed relay batch before its records are discarded (-1: until they expire).',
  },
  fanoutMaxRetries: {
    group: 'Queues and retries',
    help: 'Retries of a failed fan-out batch before its records are discarded (-1: until they expire).',
  },
  broadcastVisibilityTimeoutMs: {
    group: 'Queues and retries',
    help: 'How long a received queue message stays hidden before it is handed out again.',
  },
  maxReceiveCount: { group: 'Queues and retries', help: 'Receives of a queue message before it moves to its DLQ.' },
  wsMaxBufferedBytes: {
    group: 'WebSocket limits',
    help: 'Bytes waiting to be sent to one connection before posts to it are refused (API Gateway’s 429).',
  },
  wsSlowConsumerGraceMs: {
    group: 'WebSocket limits',
    help: 'A connection still over that buffer this long after the first refused post is closed (4008).',
  },
  maxConnectionsPerUser: { group: 'WebSocket limits', help: 'Open WebSocket connections one user may hold.' },
  allowAnonymousViewers: {
    group: 'WebSocket limits',
    help: 'Viewers without a token may connect and watch (never bid, chat or like).',
  },
  chatBurst: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Chat messages a connection may send at once.',
  },
  chatPerSecond: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Chat messages per second a connection may send after its burst.',
    values: perSecond,
  },
  likeBurst: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Like frames a connection may send at once.',
  },
  likePerSecond: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Like frames per second after the burst.',
    values: perSecond,
  },
  chatUserBurst: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Chat messages one user may send at once, all connections together.',
  },
  chatUserPerSecond: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Chat messages per second one user may send after the burst.',
    values: perSecond,
  },
  likeUserBurst: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Like frames one user may send at once.',
  },
  likeUserPerSecond: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Like frames per second one user may send after the burst.',
    values: perSecond,
  },
  bidBurst: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Bids a connection may send at once.',
  },
  bidPerSecond: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Bids per second after the burst.',
    values: perSecond,
  },
  heartbeatBurst: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Heartbeats a connection may send at once.',
  },
  heartbeatPerSecond: {
    group: 'Abuse limits (per connection, and per user across connections)',
    help: 'Heartbeats per second after the burst.',
    values: perSecond,
  },
  presenceTtlSeconds: {
    group: 'Presence and booking',
    help: 'Seconds a heartbeat keeps a viewer counted (a few missed 5 s beats).',
  },
  defaultTripId: {
    group: 'Presence and booking',
    help: 'The trip POST /api/book-bus books on.',
    values: 'letters, digits and _ . : - (1..128)',
    placeholder: 'id',
  },
  duplicateRate: {
    group: 'Chaos (at-least-once delivery, for testing)',
    help: 'Chance that a stream batch or standard-queue message is delivered twice.',
  },
  reorder: {
    group: 'Chaos (at-least-once delivery, for testing)',
    help: 'Standard queues hand messages out in random order.',
  },
  crashRate: {
    group: 'Chaos (at-least-once delivery, for testing)',
    help: 'Chance that an invocation crashes mid-batch, after a prefix of its records had effects.',
  },
  seed: {
    group: 'Chaos (at-least-once delivery, for testing)',
    help: 'Seed of the chaos dice and the demo (0: not reproducible).',
  },
} as const satisfies Record<LocalConfigKey, LocalFlagDoc>;

const defaults = LocalConfigSchema.parse({}) as Record<string, unknown>;

const isBoolean = (key: LocalConfigKey): boolean =>
  jsonProperties()[key]?.anyOf?.some((p) => p.type === 'boolean') ?? false;

/** What a setting accepts: the table's words where the schema's rule is a pattern, else the schema's range or list. */
export const allowedValuesOf = (key: LocalConfigKey, backends: readonly string[] = []): string | undefined => {
  const doc: LocalFlagDoc = LOCAL_FLAG_DOCS[key];
  if (doc.values) return doc.values;
  if (key === 'backend' && backends.length > 0) return backends.join(' | ');
  return isBoolean(key) ? undefined : schemaRuleOf(key);
};

const shownDefault = (key: LocalConfigKey): string | undefined => {
  const doc: LocalFlagDoc = LOCAL_FLAG_DOCS[key];
  if (doc.default !== undefined) return doc.default;
  const value = defaults[key];
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return typeof value === 'string' && key === 'logLevel' ? value.toLowerCase() : String(value);
};

/** The settings that are on/off switches (`--reorder`, `--no-demo`). */
export const BOOLEAN_KEYS: readonly LocalConfigKey[] = LOCAL_CONFIG_KEYS.filter(isBoolean);

/** `npm start`'s flags, by group, from the schema and the table above. */
export const localFlagSpecs = (backends: readonly string[]): FlagSpec[] =>
  [...LOCAL_CONFIG_KEYS]
    .sort((a, b) => GROUPS.indexOf(LOCAL_FLAG_DOCS[a].group) - GROUPS.indexOf(LOCAL_FLAG_DOCS[b].group))
    .map((key): FlagSpec => {
      const doc: LocalFlagDoc = LOCAL_FLAG_DOCS[key];
      const values = allowedValuesOf(key, backends);
      const shown = shownDefault(key);
      const type = jsonProperties()[key]?.type;
      return {
        name: flagOf(key),
        group: doc.group,
        help: doc.help,
        type: isBoolean(key) ? 'boolean' : 'string',
        placeholder: doc.placeholder ?? (type === 'integer' ? 'n' : type === 'number' ? 'x' : 'value'),
        env: key === 'port' ? `${envOf(key)} or PORT` : envOf(key),
        ...(values ? { values } : {}),
        default: shown ?? 'unset',
      };
    });

export const localCommandSpec = (backends: readonly string[]): CommandSpec => ({
  command: 'npm start --',
  summary:
    'Runs the whole system in one process on 127.0.0.1: the HTTP API, the WebSocket API, the pages (/live/, /booking/) and ' +
    'the event-source pipeline behind them, with the demo on by default. Every option is also an environment variable; ' +
    'flags win over the environment, which wins over the defaults.',
  flags: localFlagSpecs(backends),
  notes: ['Switches take no value: --reorder turns one on, --no-demo turns one off.'],
  examples: [
    'npm start',
    'npm start -- --port 0 --no-demo',
    'PORT=8080 npm start -- --backend emulators',
    'npm start -- --duplicate-rate 0.05 --reorder --crash-rate 0.02 --seed 7',
  ],
});
