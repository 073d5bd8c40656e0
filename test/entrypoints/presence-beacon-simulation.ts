import type { KinesisStreamEvent } from 'aws-lambda';
import { channelCodec, channelDecider, channelStreamId, type ChannelEvent } from '../../src/domain/channel/index.js';
import type { ChannelId, UserId } from '../../src/domain/shared/ids.js';
import { CommandHandler } from '../../src/application/command-handler.js';
import { countAt, type PresenceBucketStore } from '../../src/application/ports/presence-bucket-store.port.js';
import type { PresenceStream } from '../../src/application/ports/presence-stream.port.js';
import { presenceSettings } from '../../src/application/presence/presence-settings.js';
import { withViewerCountRateLimit } from '../../src/application/presence/viewer-count-rate-limit.js';
import { ViewerCountPublisher } from '../../src/application/presence/viewer-count-publisher.js';
import {
  defaultAggregatorSettings,
  PresenceAggregator,
} from '../../src/application/presence-stream/presence-aggregator.js';
import { makeRouteBeats } from '../../src/application/presence-stream/route-beats.js';
import {
  partitionsOf,
  presenceLayout,
  type PresenceLayout,
} from '../../src/application/presence-stream/sub-partitions.js';
import { HmacBeaconTokens } from '../../src/adapters/crypto/beacon-tokens-adapter-hmac.js';
import { FakeClock, SequentialIds, seededRandom } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryEventStore } from '../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { kinesisRecordFormat } from '../../src/adapters/local/kinesis-record-format.js';
import { makeBeatRouterHandler } from '../../src/entrypoints/handlers/beat-router.js';
import {
  makePresenceAggregatorHandler,
  type PresenceAggregatorHandler,
} from '../../src/entrypoints/handlers/presence-aggregator.js';
import type { ShardSource } from './presence-shard-source.js';
import type { Sample, SimulationPlan } from './presence-simulation.js';
import { silentLogger } from './sqs-test-driver.js';

export const CHANNEL = 'live-1' as ChannelId;
const BEAT_MS = 5_000;
const T0 = Math.floor(Date.now() / 1000) * 1000;
const KEY = 'a-beacon-key-for-tests-only-0123456789';

export interface BeaconBackends {
  readonly buckets: PresenceBucketStore;
  readonly stream: PresenceStream;
  readonly source: ShardSource;
}

export interface BeaconPlan extends SimulationPlan {
  readonly layout?: PresenceLayout;
  /** Aggregator instances Lambda may hand a shard's batches to (2: each batch to a random one, so one is often stale). */
  readonly instances?: number;
  /** Simulated times at which every aggregator instance is replaced by a cold one. */
  readonly restartsAt?: readonly number[];
  /** Largest aggregator batch (each batch is cut at a random size up to this: batch splits). */
  readonly maxBatch?: number;
}

/**
 * 10,000 players: the last first beat is sent by 5 s, lands up to 5 s late and waits up to 2 s
 * for a poll; the count's publish may then wait a second for the rate limit: warm-up 15 s.
 */
export const TEN_THOUSAND: Partial<BeaconPlan> = {
  players: 10_000,
  stopping: 1_000,
  seed: 11,
  duplicateRate: 0.1,
  warmupMs: 15_000,
  steadyMs: 20_000,
  restartsAt: [25_000],
  instances: 2,
  maxBatch: 4_000,
};

/**
 * How long until every first beat is counted and published: sent by BEAT_MS, up to
 * lateMaxSeconds late, up to a poll away; then the count's publish may wait out the rate limit
 * (presenceSettings' minPublishIntervalMs) and one more poll. Sampling before that would catch
 * a count still on its way, not a wrong one.
 */
const warmupOf = (p: Pick<BeaconPlan, 'lateMaxSeconds' | 'pollMaxMs'>): number =>
  BEAT_MS + p.lateMaxSeconds * 1_000 + p.pollMaxMs + presenceSettings().minPublishIntervalMs + p.pollMaxMs;

/** A plan; its warm-up follows from its lateness and poll interval unless given. */
export const beaconPlan = (overrides: Partial<BeaconPlan>): BeaconPlan => {
  const plan = {
    players: 5,
    seed: 1,
    jitterMs: 1_000,
    duplicateRate: 0.2,
    lateRate: 0.3,
    lateMaxSeconds: 5,
    pollMaxMs: 2_000,
    steadyMs: 60_000,
    stopping: 2,
    afterMs: 30_000,
    tick: false,
    ...overrides,
  };
  return { ...plan, warmupMs: overrides.warmupMs ?? warmupOf(plan) };
};

/** The beacon path on a fake clock: edge log (late, duplicated, reordered) → beat-router → presence stream → aggregator → channel. */
export const beaconWorld = (options: {
  seed: number;
  backends: BeaconBackends;
  layout: PresenceLayout;
  instances: number;
  ttlMs?: number;
}) => {
  const clock = new FakeClock(T0, seededRandom(options.seed));
  const rng = seededRandom(options.seed * 7919 + 1);
  const store = new InMemoryEventStore();
  const deps = { store, clock, ids: new SequentialIds('evt'), sleeper: clock };
  const settings = presenceSettings({ ttlMs: options.ttlMs ?? 15_000 });
  const channels = new CommandHandler(channelDecider, channelCodec, deps);
  const rateLimited = new CommandHandler(
    withViewerCountRateLimit(channelDecider, settings.minPublishIntervalMs),
    channelCodec,
    deps,
  );
  const tokens = new HmacBeaconTokens(KEY);
  const { buckets, stream } = options.backends;
  const router = makeBeatRouterHandler({
    routeBeats: makeRouteBeats({ tokens, stream, layout: options.layout }),
    logger: silentLogger,
  });
  const instance = (): PresenceAggregatorHandler =>
    makePresenceAggregatorHandler({
      aggregator: new PresenceAggregator({
        buckets,
        publisher: new ViewerCountPublisher(rateLimited, settings.minPublishIntervalMs),
        stream,
        clock,
        settings: defaultAggregatorSettings(settings.ttlMs, options.layout),
      }),
      logger: silentLogger,
    });
  let instances = Array.from({ length: options.instances }, instance);
  const format = kinesisRecordFormat('arn:aws:kinesis:local:000000000000:stream/presence');

  return {
    clock,
    rng,
    settings,
    tokens,
    /** CloudFront real-time log lines (the fields of BEACON_LOG_FIELDS) as one beacon-log batch. */
    route: (lines: readonly string[]) =>
      router({
        Records: lines.map((line, i) => ({
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: String(i),
            sequenceNumber: String(i + 1),
            data: Buffer.from(`${line}\n`).toString('base64'),
            approximateArrivalTimestamp: clock.now() / 1000,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: `shardId-000000000000:${i + 1}`,
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/test',
          awsRegion: 'local',
          eventSourceARN: 'arn:aws:kinesis:local:000000000000:stream/beacon-log',
        })),
      } as KinesisStreamEvent),
    /** One mapping poll: every shard, up to what is there now, in batches cut at random sizes; a reported failure is read again. */
    pollAggregator: async (maxBatch: number) => {
      const { source } = options.backends;
      for (let shard = 0; shard < (await source.shardCount()); shard++) {
        const until = await source.mark(shard);
        let retry: Parameters<typeof format.toEvent>[0] = [];
        for (;;) {
          const size = 1 + Math.floor(rng() * maxBatch);
          const records = retry.length > 0 ? retry : await source.read(shard, size, until);
          if (records.length === 0) break;
          const handler = instances[Math.floor(rng() * instances.length)]!;
          const response = await handler(format.toEvent(records, shard));
          const failedAt = records.findIndex((r) =>
            response.batchItemFailures.some((f) => f.itemIdentifier === r.sequenceNumber),
          );
          retry = failedAt === -1 ? [] : records.slice(failedAt);
        }
      }
    },
    restart: () => {
      instances = Array.from({ length: options.instances }, instance);
    },
    openChannel: async () => {
      const s = channelStreamId(CHANNEL);
      await channels.handle(s, {
        type: 'ScheduleChannel',
        channelId: CHANNEL,
        sellerId: 'seller' as UserId,
        title: 'Live',
        currency: 'KRW',
        at: clock.now(),
      });
      await channels.handle(s, { type: 'StartLive', at: clock.now() });
    },
    publishedCount: async () => {
      const { state } = await channels.load(channelStreamId(CHANNEL));
      return state.status === 'NONE' ? -1 : state.viewerCount;
    },
    /** What a reader of the K count items sees now, expiry checked at read time. */
    storedCount: async (now: number) => {
      const items = await buckets.counts(partitionsOf(CHANNEL, options.layout));
      return [...items.values()].reduce((sum, item) => sum + countAt(item, now), 0);
    },
    viewerCountEvents: async () => {
      const { events } = await store.read(channelStreamId(CHANNEL));
      return events
        .filter((e) => e.type === 'ViewerCountChanged')
        .map((e) => ({
          ...(channelCodec.decode(e) as Extract<ChannelEvent, { type: 'ViewerCountChanged' }>).data,
          occurredAt: e.occurredAt,
        }));
    },
  };
};

/** A min-heap of (time, index): 10,000 players are scheduled without scanning them all at every step. */
class Schedule {
  private readonly heap: Array<[number, number]> = [];
  push(at: number, index: number): void {
    const h = this.heap;
    h.push([at, index]);
    for (let i = h.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (h[parent]![0] <= h[i]![0]) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }
  peek(): number {
    return this.heap[0]?.[0] ?? Infinity;
  }
  pop(): [number, number] {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]![0] < h[m]![0]) m = l;
        if (r < h.length && h[r]![0] < h[m]![0]) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Players beat on jittered schedules through the edge: each beat becomes a log line stamped with
 * the edge's time, delivered to the router late (up to lateMaxSeconds), duplicated and in random
 * order; the router and the aggregator poll at random intervals; aggregator instances may be
 * stale or restarted cold; the published and stored counts are sampled every second.
 */
export const simulateBeacon = async (plan: BeaconPlan, backends: BeaconBackends) => {
  const layout = presenceLayout(plan.layout ?? { subPartitions: 3, buckets: 2 });
  const world = beaconWorld({ seed: plan.seed, backends, layout, instances: plan.instances ?? 1 });
  const { clock, rng } = world;
  await world.openChannel();
  const players = Array.from({ length: plan.players }, (_, i) => {
    const sessionId = `${i.toString(36)}-0f1e2d3c-4b5a-4978-8695`;
    return { sessionId, token: world.tokens.issue(CHANNEL, sessionId), sequence: 0, stopped: false, lastBeatAt: 0 };
  });
  const beats = new Schedule();
  players.forEach((_, i) => beats.push(T0 + Math.floor(rng() * BEAT_MS), i));
  const edgeLog: Array<{ due: number; line: string }> = [];
  const steadyFrom = T0 + plan.warmupMs;
  const stopAt = steadyFrom + plan.steadyMs;
  const endAt = stopAt + plan.afterMs;
  const restarts = [...(plan.restartsAt ?? [])].map((offset) => T0 + offset).sort((a, b) => a - b);
  let nextPoll = T0 + 200;
  let nextSample = steadyFrom;
  let stopped = false;
  let beatsSent = 0;
  const steady: Sample[] = [];
  const after: Sample[] = [];

  while (clock.now() < endAt) {
    clock.set(Math.min(nextPoll, nextSample, endAt, beats.peek(), restarts[0] ?? Infinity));
    const now = clock.now();
    if (!stopped && now >= stopAt) {
      stopped = true;
      for (const p of players.slice(0, plan.stopping)) p.stopped = true;
    }
    while (beats.peek() <= now) {
      const [, i] = beats.pop();
      const p = players[i]!;
      if (p.stopped) continue;
      const line = `${(now / 1000).toFixed(3)}\tGET\t/beat\tc=${CHANNEL}&s=${p.sessionId}&q=${p.sequence++}&t=${p.token}`;
      const late = rng() < plan.lateRate ? 1_000 + Math.floor(rng() * (plan.lateMaxSeconds - 1) * 1_000) : 0;
      edgeLog.push({ due: now + late, line });
      if (rng() < plan.duplicateRate) edgeLog.push({ due: now + Math.floor(rng() * 2_000), line });
      beatsSent++;
      p.lastBeatAt = now;
      beats.push(now + BEAT_MS + Math.round((rng() * 2 - 1) * plan.jitterMs), i);
    }
    if (restarts.length > 0 && now >= restarts[0]!) {
      restarts.shift();
      world.restart();
    }
    if (now >= nextPoll) {
      const due = edgeLog.filter((e) => e.due <= now);
      const rest = edgeLog.filter((e) => e.due > now);
      edgeLog.length = 0;
      edgeLog.push(...rest);
      for (let i = due.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [due[i], due[j]] = [due[j]!, due[i]!];
      }
      for (let i = 0; i < due.length; i += 10_000) await world.route(due.slice(i, i + 10_000).map((e) => e.line));
      await world.pollAggregator(plan.maxBatch ?? 10_000);
      nextPoll = now + 200 + Math.floor(rng() * Math.max(1, plan.pollMaxMs - 200));
    }
    if (now >= nextSample) {
      const sample = { at: now, published: await world.publishedCount(), stored: await world.storedCount(now) };
      (now < stopAt ? steady : after).push(sample);
      nextSample += 1_000;
    }
  }
  return {
    steady,
    after,
    lastBeatsOfStopped: players.slice(0, plan.stopping).map((p) => p.lastBeatAt),
    stoppedAt: stopAt,
    world,
    beatsSent,
  };
};
