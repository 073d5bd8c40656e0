/**
 * Presence, old path against new path, in one run, over DynamoDB Local (and kinesalite for the
 * presence stream): heartbeats/s the local pipeline sustains, and DynamoDB write and read units
 * per heartbeat as DynamoDB reports them (ReturnConsumedCapacity=TOTAL on every call).
 *
 * - websocket (old): SQS-shaped batches of 10 beats → the `presence` handler → one conditional
 *   Put per beat on the channel's partition key, and a count Query of the channel once a second.
 * - beacon (new): CloudFront log lines → `beat-router` → presence stream (kinesalite, explicit hash
 *   keys) → `presence-aggregator` → packed bucket items + a count item per sub-partition.
 *
 * Run alone: `npm run bench -- presence` (knobs: --viewers=3000, --rounds=4 beats per viewer).
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SQSEvent } from 'aws-lambda';
import { HmacBeaconTokens } from '../../src/adapters/crypto/beacon-tokens-adapter-hmac.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { DynamoDbPresenceBucketStore } from '../../src/adapters/dynamodb/presence-bucket-store-adapter-dynamodb.js';
import { DynamoDbPresenceStore } from '../../src/adapters/dynamodb/presence-store-adapter-dynamodb.js';
import { presenceTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { SequentialIds } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryEventStore } from '../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemoryQueue } from '../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { KinesisPresenceStream } from '../../src/adapters/kinesis/presence-stream-adapter-kinesis.js';
import { ensureStream } from '../../src/adapters/kinesis/stream-provisioning.js';
import { startDynamoDbLocal, type RunningEmulator } from '../../src/adapters/local/emulators/dynamodb-local.js';
import { startKinesalite } from '../../src/adapters/local/emulators/kinesalite-server.js';
import { kinesisRecordFormat } from '../../src/adapters/local/kinesis-record-format.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { CommandHandler } from '../../src/application/command-handler.js';
import type { PresenceMessage } from '../../src/application/presence/presence-message.js';
import { presenceSettings } from '../../src/application/presence/presence-settings.js';
import { PresenceTracker } from '../../src/application/presence/presence-tracker.js';
import { withViewerCountRateLimit } from '../../src/application/presence/viewer-count-rate-limit.js';
import { ViewerCountPublisher } from '../../src/application/presence/viewer-count-publisher.js';
import {
  defaultAggregatorSettings,
  PresenceAggregator,
} from '../../src/application/presence-stream/presence-aggregator.js';
import { makeRouteBeats } from '../../src/application/presence-stream/route-beats.js';
import { partitionsOf } from '../../src/application/presence-stream/sub-partitions.js';
import { countAt } from '../../src/application/ports/presence-bucket-store.port.js';
import { channelCodec, channelDecider, channelStreamId } from '../../src/domain/channel/index.js';
import type { ChannelId, UserId } from '../../src/domain/shared/ids.js';
import { makeBeatRouterHandler } from '../../src/entrypoints/handlers/beat-router.js';
import { makePresenceAggregatorHandler } from '../../src/entrypoints/handlers/presence-aggregator.js';
import { makePresenceHandler } from '../../src/entrypoints/handlers/presence.js';
import { kinesisShardSource } from '../../test/entrypoints/presence-shard-source.js';
import { intOption, type Benchmark, type BenchmarkContext, type BenchmarkResult } from '../lib/benchmark.js';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const CHANNEL = 'bench-live' as ChannelId;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Sums the capacity DynamoDB reports for every call of this client, split into reads and writes. */
const meteredDynamoDb = (endpoint: string) => {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  const units = { read: 0, write: 0, calls: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>)['ReturnConsumedCapacity'] = 'TOTAL';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const total = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      const isRead = /^(Query|Scan|GetItem|BatchGetItem)/.test(context.commandName ?? '');
      units[isRead ? 'read' : 'write'] += total;
      units.calls++;
      return out;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return { client, units };
};

const channelCommands = () => {
  const deps = {
    store: new InMemoryEventStore(),
    clock: systemClock,
    ids: new SequentialIds('evt'),
    sleeper: { sleep: async () => {}, random: Math.random },
  };
  const plain = new CommandHandler(channelDecider, channelCodec, deps);
  const limited = new CommandHandler(withViewerCountRateLimit(channelDecider, 1_000), channelCodec, deps);
  return {
    limited,
    open: async () => {
      const s = channelStreamId(CHANNEL);
      await plain.handle(s, {
        type: 'ScheduleChannel',
        channelId: CHANNEL,
        sellerId: 'seller' as UserId,
        title: 'Bench',
        currency: 'KRW',
        at: Date.now(),
      });
      await plain.handle(s, { type: 'StartLive', at: Date.now() });
    },
  };
};

const runOld = async (endpoint: string, viewers: number, rounds: number) => {
  const { client, units } = meteredDynamoDb(endpoint);
  const table = `presence-old-${Date.now().toString(36)}`;
  await ensureTable(client, table, presenceTable);
  const channels = channelCommands();
  await channels.open();
  const settings = presenceSettings({});
  const store = new DynamoDbPresenceStore(documentClientFor(client), table, { clock: systemClock });
  const tracker = new PresenceTracker({
    store,
    publisher: new ViewerCountPublisher(channels.limited, settings.minPublishIntervalMs),
    channels: channels.limited,
    followUps: new InMemoryQueue<PresenceMessage>({ name: 'follow-ups', clock: systemClock }),
    clock: systemClock,
    settings,
  });
  const handler = makePresenceHandler({ tracker, logger: silent });
  Object.assign(units, { read: 0, write: 0, calls: 0 });
  const started = performance.now();
  let id = 0;
  for (let round = 0; round < rounds; round++) {
    for (let v = 0; v < viewers; v += 10) {
      const event: SQSEvent = {
        Records: Array.from({ length: Math.min(10, viewers - v) }, (_, i) => ({
          messageId: `m-${++id}`,
          receiptHandle: `r-${id}`,
          body: JSON.stringify({
            kind: 'beat',
            channelId: CHANNEL,
            sessionId: `viewer-${v + i}`,
            userId: null,
            sequence: round,
            at: Date.now(),
          }),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: 'bench',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:local:000000000000:heartbeats',
          awsRegion: 'local',
        })),
      };
      await handler(event);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const beats = viewers * rounds;
  const measured = {
    beatsPerSecond: beats / seconds,
    writeUnitsPerBeat: units.write / beats,
    readUnitsPerBeat: units.read / beats,
    callsPerBeat: units.calls / beats,
  };
  return { ...measured, stored: await store.count(CHANNEL, Date.now()) };
};

const runNew = async (endpoints: { dynamodb: string; kinesis: string }, viewers: number, rounds: number) => {
  const { client, units } = meteredDynamoDb(endpoints.dynamodb);
  const kinesis = new KinesisClient({
    endpoint: endpoints.kinesis,
    region: 'us-east-1',
    credentials,
    requestHandler: new NodeHttpHandler(),
  });
  const table = `presence-new-${Date.now().toString(36)}`;
  const streamName = `presence-${Date.now().toString(36)}`;
  const shards = 4;
  await Promise.all([ensureTable(client, table, presenceTable), ensureStream(kinesis, streamName, shards)]);
  const channels = channelCommands();
  await channels.open();
  const layout = { subPartitions: 3, buckets: 2 };
  const tokens = new HmacBeaconTokens('bench-beacon-key-0123456789abcdef0123');
  const sleeper = { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), random: Math.random };
  const stream = new KinesisPresenceStream(kinesis, streamName, { sleeper, shardCount: shards });
  const buckets = new DynamoDbPresenceBucketStore(documentClientFor(client), table, { clock: systemClock });
  const router = makeBeatRouterHandler({ routeBeats: makeRouteBeats({ tokens, stream, layout }), logger: silent });
  const aggregator = makePresenceAggregatorHandler({
    aggregator: new PresenceAggregator({
      buckets,
      publisher: new ViewerCountPublisher(channels.limited, 1_000),
      stream,
      clock: systemClock,
      settings: defaultAggregatorSettings(15_000, layout),
    }),
    logger: silent,
  });
  const source = kinesisShardSource(kinesis, streamName);
  const format = kinesisRecordFormat(`arn:aws:kinesis:local:000000000000:stream/${streamName}`);
  const sessions = Array.from({ length: viewers }, (_, v) => ({
    s: `viewer-${v}`,
    t: tokens.issue(CHANNEL, `viewer-${v}`),
  }));
  Object.assign(units, { read: 0, write: 0, calls: 0 });
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    // One beat per viewer per round, routed in log batches of 1,000 lines, then one aggregator poll of every shard.
    for (let v = 0; v < viewers; v += 1_000) {
      const lines = sessions
        .slice(v, v + 1_000)
        .map(({ s, t }) => `${(Date.now() / 1000).toFixed(3)}\tGET\t/beat\tc=${CHANNEL}&s=${s}&q=${round}&t=${t}`);
      await router({
        Records: lines.map((line, i) => ({
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: String(i),
            sequenceNumber: String(i),
            data: Buffer.from(line).toString('base64'),
            approximateArrivalTimestamp: 0,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: String(i),
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: '',
          awsRegion: 'local',
          eventSourceARN: '',
        })),
      });
    }
    for (let shard = 0; shard < shards; shard++) {
      const until = await source.mark(shard);
      for (
        let records = await source.read(shard, 10_000, until);
        records.length > 0;
        records = await source.read(shard, 10_000, until)
      ) {
        await aggregator(format.toEvent(records, shard));
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const beats = viewers * rounds;
  const measured = {
    beatsPerSecond: beats / seconds,
    writeUnitsPerBeat: units.write / beats,
    readUnitsPerBeat: units.read / beats,
    callsPerBeat: units.calls / beats,
  };
  const items = await buckets.counts(partitionsOf(CHANNEL, layout));
  return { ...measured, stored: [...items.values()].reduce((sum, item) => sum + countAt(item, Date.now()), 0) };
};

export const benchmark: Benchmark = {
  name: 'presence',
  description:
    'heartbeats/s and DynamoDB write + read units per heartbeat: per-session items (old) vs beacon → stream → packed buckets (new), same run',
  async run(ctx: BenchmarkContext): Promise<BenchmarkResult> {
    const viewers = intOption(ctx, 'viewers', 3_000);
    const rounds = intOption(ctx, 'rounds', 4);
    const running: RunningEmulator[] = [];
    try {
      ctx.progress('presence: starting DynamoDB Local and kinesalite');
      const [dynamodb, kinesis] = await Promise.all([
        startDynamoDbLocal({ cacheDir: join(ctx.root, '.emulators') }),
        startKinesalite(),
      ]);
      running.push(dynamodb, kinesis);
      ctx.progress(`presence: old path, ${viewers} viewers × ${rounds} beats`);
      const old = await runOld(dynamodb.endpoint, viewers, rounds);
      ctx.progress(`presence: new path, ${viewers} viewers × ${rounds} beats`);
      const neu = await runNew({ dynamodb: dynamodb.endpoint, kinesis: kinesis.endpoint }, viewers, rounds);
      for (const [name, r] of [
        ['old', old],
        ['new', neu],
      ] as const) {
        // Rounds are back to back, not 5 s apart: a slow path's first beats of a round may be past the 15 s TTL by the end.
        if (r.stored < 1 || r.stored > viewers)
          throw new Error(`${name} path stores ${r.stored} live viewers of ${viewers}`);
      }
      const row = (subject: string, role: 'stampede' | 'baseline', r: typeof old) => ({
        subject,
        role,
        values: {
          beatsPerSecond: r.beatsPerSecond,
          writeUnits: r.writeUnitsPerBeat,
          readUnits: r.readUnitsPerBeat,
          calls: r.callsPerBeat,
        },
      });
      return {
        status: 'ok',
        columns: [
          { key: 'beatsPerSecond', label: 'heartbeats/s (local pipeline)', better: 'higher', digits: 0 },
          { key: 'writeUnits', label: 'DynamoDB write units / beat', better: 'lower', digits: 4 },
          { key: 'readUnits', label: 'DynamoDB read units / beat', better: 'lower', digits: 4 },
          { key: 'calls', label: 'DynamoDB calls / beat', better: 'lower', digits: 4 },
        ],
        rows: [
          row('beacon → stream → packed buckets (new)', 'stampede', neu),
          row('WebSocket → SQS → item per session (old)', 'baseline', old),
        ],
        ratios: [
          {
            label: 'write units per beat, old / new',
            value: neu.writeUnitsPerBeat > 0 ? old.writeUnitsPerBeat / neu.writeUnitsPerBeat : null,
            meaning: '× fewer DynamoDB write units per heartbeat on the new path',
          },
          {
            label: 'heartbeats/s, new / old',
            value: neu.beatsPerSecond / old.beatsPerSecond,
            meaning: '× the old path’s local throughput',
          },
        ],
        notes: [
          `${viewers} viewers of one channel × ${rounds} beats; the new path uses K = 3 sub-partitions × 2 buckets on a 4-shard kinesalite stream, aggregator batches ≤ 10,000.`,
          'Units are what DynamoDB Local reports with ReturnConsumedCapacity=TOTAL; the new path writes each changed bucket once per aggregator batch, so its units per beat fall as batches grow (AWS: ~1 s windows).',
          'Throughput is this machine’s local pipeline (emulators included), not AWS’s; the old path’s ceiling in AWS is the API Gateway quota, see npm run capacity.',
        ],
        details: { viewers, rounds, old, new: neu },
      };
    } finally {
      await Promise.all(running.map((e) => e.stop()));
    }
  },
};
