import type { IncomingMessage, ServerResponse } from 'node:http';
import { HmacBeaconTokens } from '../../adapters/crypto/beacon-tokens-adapter-hmac.js';
import type { StreamRecord } from '../../adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { InMemoryPresenceBucketStore } from '../../adapters/in-memory/presence-bucket-store-adapter-in-memory.js';
import { InMemoryPresenceStream } from '../../adapters/in-memory/presence-stream-adapter-in-memory.js';
import { kinesisRecordFormat } from '../../adapters/local/kinesis-record-format.js';
import { InMemoryShardedLog } from '../../adapters/local/sharded-log.js';
import { StreamEventSource } from '../../adapters/local/stream-event-source.js';
import { presenceLayout } from '../../application/presence-stream/sub-partitions.js';
import { BEACON_TOKENS, beaconGrantModule, presenceBeaconModule } from '../composition/presence-beacon.module.js';
import { TOKENS, type Token, bindingsModule } from '../composition/tokens.js';
import { discardLogger, LOCAL_TOKENS, twin } from './local.container.js';
import type { LocalRuntimeContext, LocalRuntimeExtension, RunningEventSource } from './local-extensions.js';

/**
 * Local only, and not a secret: the runtime's beacon tokens stay valid across restarts of
 * `npm start` (over the emulators the counts survive a restart, so must the tokens). AWS takes
 * its key from Secrets Manager (BEACON_TOKEN_KEY).
 */
export const LOCAL_BEACON_TOKEN_KEY = 'stampede-local-beacon-key-not-a-secret-0123456789';

/** The local layout: K = 3 sub-partitions (as deployed at the seed), B = 2 buckets, on 4 presence-stream shards. */
export const LOCAL_BEACON_LAYOUT = presenceLayout({ subPartitions: 3, buckets: 2 });
export const LOCAL_PRESENCE_SHARDS = 4;

/** Mapping settings as deployed (infra/stack-settings.ts presence.router / presence.aggregator): up to 10,000 a batch, 1 s window. */
export const BEACON_MAPPING = { batchSize: 10_000, maximumBatchingWindowMs: 1_000, maximumRetryAttempts: 3 } as const;

export const LOCAL_BEACON_TOKENS = {
  PresenceStream: Symbol.for('stampede.local.PresenceStream') as Token<InMemoryPresenceStream>,
} as const;

/**
 * The local stand-in for the CloudFront Function and its real-time log: `GET|POST /beat` is
 * answered 204 at once, whatever it carries (as the edge does), and one log line with the
 * fields the stack configures (BEACON_LOG_FIELDS: receive time, method, path, query) goes on a
 * local beacon-log stream, from which the `beat-router` handler reads batches as its Lambda
 * mapping would. Returns that event source.
 */
const beaconEdge = (context: LocalRuntimeContext): RunningEventSource => {
  const { container, logger, addStaticHandler } = context;
  const clock = container.get(TOKENS.Clock);
  const log = new InMemoryShardedLog<StreamRecord>(1);
  let sequence = 0;
  addStaticHandler((req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (url.pathname !== '/beat') return false;
    const at = clock.now();
    const method = req.method ?? 'GET';
    // A browser's preflight or anything else: CloudFront's function answers 204 to all of it; only GET/POST lines can count.
    const query = url.search.length > 1 ? url.search.slice(1) : '-';
    log.append(0, [
      {
        sequenceNumber: String(++sequence).padStart(21, '0'),
        partitionKey: String(sequence),
        data: `${(at / 1000).toFixed(3)}\t${method}\t/beat\t${query}\n`,
        approximateArrivalTimestamp: at / 1000,
      },
    ]);
    req.resume();
    res.writeHead(204, { 'cache-control': 'no-store', 'access-control-allow-origin': '*' }).end();
    return true;
  });
  return new StreamEventSource(
    log,
    kinesisRecordFormat('arn:aws:kinesis:local:000000000000:stream/beacon-log'),
    container.get(BEACON_TOKENS.BeatRouterHandler),
    { name: 'beat-router', ...BEACON_MAPPING, onDiscard: discardLogger(logger, 'beat-router') },
  );
};

/**
 * The beacon presence path in `npm start`: `/beat` (edge stand-in) → beat-router → presence
 * stream → presence-aggregator → packed buckets → the channel's VIEWER_COUNT_CHANGED; the join
 * answers carry beacon grants (`joined.beacon`, `GET /api/channels/{id}/beacon`). In memory: the
 * presence stream twin and in-memory buckets. On the emulators, `/beat` and its log stay the
 * local edge stand-in (CloudFront has no emulator); the beat-router puts on a kinesalite stream
 * with explicit hash keys, a mirror of it feeds the aggregator, and the buckets and count items
 * live on the presence table in DynamoDB Local, so counts and tokens survive a restart (a cold
 * aggregator rebuilds from the buckets).
 */
export const presenceBeaconFeature: LocalRuntimeExtension = {
  name: 'presence-beacon',
  modules: [
    presenceBeaconModule,
    beaconGrantModule,
    // The development key, the same-origin URL, the deployed layout.
    bindingsModule((bind) => {
      bind(BEACON_TOKENS.Tokens, () => new HmacBeaconTokens(LOCAL_BEACON_TOKEN_KEY));
      bind(BEACON_TOKENS.Url, () => '/beat');
      bind(BEACON_TOKENS.Settings, (get) => ({
        layout: LOCAL_BEACON_LAYOUT,
        ttlMs: get(LOCAL_TOKENS.Config).presenceTtlSeconds * 1000,
      }));
    }),
  ],
  memory: {
    ports: [
      bindingsModule(
        twin(
          LOCAL_BEACON_TOKENS.PresenceStream,
          BEACON_TOKENS.Stream,
          (get) => new InMemoryPresenceStream({ shardCount: LOCAL_PRESENCE_SHARDS, clock: get(TOKENS.Clock) }),
        ),
        (bind) => bind(BEACON_TOKENS.Buckets, () => new InMemoryPresenceBucketStore()),
      ),
    ],
    sources(context) {
      const { log, arn } = context.container.get(LOCAL_BEACON_TOKENS.PresenceStream);
      const aggregator = new StreamEventSource(
        log,
        kinesisRecordFormat(arn),
        context.container.get(BEACON_TOKENS.AggregatorHandler),
        {
          name: 'presence-aggregator',
          ...BEACON_MAPPING,
          onDiscard: discardLogger(context.logger, 'presence-aggregator'),
        },
      );
      return [beaconEdge(context), aggregator];
    },
  },
  async emulators(env) {
    const { names, aws } = env;
    const { presenceTable } = await import('../../adapters/dynamodb/table-definitions.js');
    const onAws = await import('../composition/presence-beacon.aws.module.js');
    await env.table(names.presenceTable, presenceTable);
    await env.stream(names.presenceStream, LOCAL_PRESENCE_SHARDS);
    return {
      ports: [
        bindingsModule(
          onAws.presenceStreamOnKinesis(aws, names.presenceStream, LOCAL_PRESENCE_SHARDS),
          onAws.presenceBucketsOnDynamoDb(aws, names.presenceTable),
        ),
      ],
      sources: (context) => [
        beaconEdge(context),
        env.kinesisSource(
          context,
          'presence-aggregator',
          names.presenceStream,
          context.container.get(BEACON_TOKENS.AggregatorHandler),
          BEACON_MAPPING,
        ),
      ],
      description: `presence stream ${names.presenceStream} (kinesalite, ${LOCAL_PRESENCE_SHARDS} shards)`,
    };
  },
};
