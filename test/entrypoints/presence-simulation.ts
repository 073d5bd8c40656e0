import { channelCodec, channelDecider, channelStreamId, type ChannelEvent } from '../../src/domain/channel/index.js';
import type { ChannelId, SessionId, UserId } from '../../src/domain/shared/ids.js';
import { CommandHandler } from '../../src/application/command-handler.js';
import { makeAcceptHeartbeat, makeEndViewerSession } from '../../src/application/presence/accept-heartbeat.js';
import type { MessageQueue } from '../../src/application/ports/message-queue.port.js';
import type { PresenceMessage } from '../../src/application/presence/presence-message.js';
import { presenceSettings } from '../../src/application/presence/presence-settings.js';
import { PresenceTracker } from '../../src/application/presence/presence-tracker.js';
import { withViewerCountRateLimit } from '../../src/application/presence/viewer-count-rate-limit.js';
import { ViewerCountPublisher } from '../../src/application/presence/viewer-count-publisher.js';
import { FakeClock, SequentialIds, seededRandom } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryEventStore } from '../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemoryQueue } from '../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { InMemoryPresenceStore } from '../../src/adapters/in-memory/presence-store-adapter-in-memory.js';
import { makePresenceHandler } from '../../src/entrypoints/handlers/presence.js';
import { pollOnce, silentLogger } from './sqs-test-driver.js';

export const CHANNEL = 'live-1' as ChannelId;
export const BEAT_MS = 5_000;
export const T0 = 1_700_000_000_000;

/** The F5 pipeline on a fake clock: producer → emulated standard queue → presence handler → channel. */
export const presenceWorld = (options: {
  seed: number;
  duplicateRate: number;
  reorder: boolean;
  ttlMs?: number;
  /** Share of beats the queue delivers late (SQS standard gives no latency bound), by 1..lateMaxSeconds s. */
  lateRate?: number;
  lateMaxSeconds?: number;
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
  const queue = new InMemoryQueue<PresenceMessage>({
    name: 'heartbeats',
    clock,
    random: rng,
    duplicateRate: options.duplicateRate,
    reorder: options.reorder,
  });
  const presence = new InMemoryPresenceStore({ now: () => clock.now() });
  const tracker = new PresenceTracker({
    store: presence,
    publisher: new ViewerCountPublisher(rateLimited, settings.minPublishIntervalMs),
    channels: rateLimited,
    followUps: queue,
    clock,
    settings,
  });
  const handler = makePresenceHandler({ tracker, logger: silentLogger });
  // Late delivery, emulated as a random delay on the way in: a late beat arrives after newer
  // ones of the same session, which is exactly what a newer-sequence-only store must absorb.
  const lateQueue: MessageQueue<PresenceMessage> = {
    send: (messages) =>
      queue.send(
        messages.map((m) =>
          rng() < (options.lateRate ?? 0)
            ? { ...m, delaySeconds: 1 + Math.floor(rng() * (options.lateMaxSeconds ?? 1)) }
            : m,
        ),
      ),
  };
  const acceptHeartbeat = makeAcceptHeartbeat({ queue: lateQueue, clock });
  const endSession = makeEndViewerSession({ queue, clock });

  const openChannel = async () => {
    const stream = channelStreamId(CHANNEL);
    await channels.handle(stream, {
      type: 'ScheduleChannel',
      channelId: CHANNEL,
      sellerId: 'seller' as UserId,
      title: 'Live',
      currency: 'KRW',
      at: clock.now(),
    });
    await channels.handle(stream, { type: 'StartLive', at: clock.now() });
  };
  const publishedCount = async () => {
    const { state } = await channels.load(channelStreamId(CHANNEL));
    return state.status === 'NONE' ? -1 : state.viewerCount;
  };
  const viewerCountEvents = async () => {
    const { events } = await store.read(channelStreamId(CHANNEL));
    return events
      .filter((e) => e.type === 'ViewerCountChanged')
      .map((e) => ({
        ...(channelCodec.decode(e) as Extract<ChannelEvent, { type: 'ViewerCountChanged' }>).data,
        occurredAt: e.occurredAt,
      }));
  };
  return {
    clock,
    rng,
    store,
    queue,
    presence,
    tracker,
    handler,
    acceptHeartbeat,
    endSession,
    openChannel,
    publishedCount,
    viewerCountEvents,
    settings,
  };
};

export interface SimulationPlan {
  readonly players: number;
  readonly seed: number;
  /** Each beat is 5 s ± this after the previous one. */
  readonly jitterMs: number;
  readonly duplicateRate: number;
  readonly lateRate: number;
  readonly lateMaxSeconds: number;
  /** The consumer polls every [200, pollMaxMs] ms: the spread is the delivery delay. */
  readonly pollMaxMs: number;
  readonly warmupMs: number;
  readonly steadyMs: number;
  /** Players that stop beating at the end of the steady phase (the first `stopping` players). */
  readonly stopping: number;
  readonly afterMs: number;
  /** The local runtime's one-second recount tick; off, as in AWS, only delayed recount messages notice expiry. */
  readonly tick?: boolean;
}

export interface Sample {
  readonly at: number;
  readonly published: number;
  readonly stored: number;
}

export interface SimulationResult {
  readonly steady: readonly Sample[];
  readonly after: readonly Sample[];
  /** When the stopped players' last beats were accepted. */
  readonly lastBeatsOfStopped: readonly number[];
  readonly stoppedAt: number;
  readonly world: ReturnType<typeof presenceWorld>;
  readonly beatsSent: number;
}

/**
 * Runs an event-driven simulation: players beat on their own jittered schedules, the consumer
 * polls at random intervals (reordering and duplicating deliveries), the local runtime's
 * one-second tick runs, and the published count is sampled every second.
 */
export const simulatePresence = async (plan: SimulationPlan): Promise<SimulationResult> => {
  const world = presenceWorld({
    seed: plan.seed,
    duplicateRate: plan.duplicateRate,
    reorder: true,
    lateRate: plan.lateRate,
    lateMaxSeconds: plan.lateMaxSeconds,
  });
  const { clock, rng } = world;
  await world.openChannel();
  const players = Array.from({ length: plan.players }, (_, i) => ({
    sessionId: `s-${i}` as SessionId,
    sequence: 0,
    nextBeatAt: T0 + Math.floor(rng() * BEAT_MS),
    stopped: false,
    lastBeatAt: 0,
  }));
  const steadyFrom = T0 + plan.warmupMs;
  const stopAt = steadyFrom + plan.steadyMs;
  const endAt = stopAt + plan.afterMs;
  let nextPoll = T0 + 200;
  let nextTick = T0 + 1_000;
  let nextSample = steadyFrom;
  let stopped = false;
  let beatsSent = 0;
  const steady: Sample[] = [];
  const after: Sample[] = [];

  while (clock.now() < endAt) {
    let next = Math.min(nextPoll, nextTick, nextSample, endAt);
    for (const p of players) if (!p.stopped && p.nextBeatAt < next) next = p.nextBeatAt;
    clock.set(next);
    const now = clock.now();
    if (!stopped && now >= stopAt) {
      stopped = true;
      for (const p of players.slice(0, plan.stopping)) p.stopped = true;
    }
    for (const p of players) {
      if (p.stopped || p.nextBeatAt > now) continue;
      await world.acceptHeartbeat({ channelId: CHANNEL, sessionId: p.sessionId, userId: null, sequence: p.sequence++ });
      beatsSent++;
      p.lastBeatAt = now;
      p.nextBeatAt = now + BEAT_MS + Math.round((rng() * 2 - 1) * plan.jitterMs);
    }
    if (now >= nextPoll) {
      while ((await pollOnce(world.queue, world.handler)) > 0);
      nextPoll = now + 200 + Math.floor(rng() * Math.max(1, plan.pollMaxMs - 200));
    }
    if (now >= nextTick) {
      if (plan.tick !== false) await world.tracker.tick();
      nextTick += 1_000;
    }
    if (now >= nextSample) {
      const sample = {
        at: now,
        published: await world.publishedCount(),
        stored: await world.presence.count(CHANNEL, now),
      };
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
