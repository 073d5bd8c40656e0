import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock, seededRandom } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryConnectionGateway } from '../../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { InMemoryConnectionRegistry } from '../../../src/adapters/in-memory/connection-registry-adapter-in-memory.js';
import { InMemoryFeedStream } from '../../../src/adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import type { FeedFrame } from '../../../src/application/live/broadcast-feed.js';
import { makeBroadcast } from '../../../src/application/live/broadcast-feed.js';
import { makeFanOut } from '../../../src/application/live/fan-out-feed.js';
import { makeRelayFeed } from '../../../src/application/live/relay-feed.js';
import { makeStreamRecovery } from '../../../src/application/live/stream-recovery.js';
import { StreamSequencer } from '../../../src/client/stream-sequencer.js';
import { applyFeedEvent, emptyChannelView, type ChannelView } from '../../../src/domain/live-feed/channel-view.js';
import { toFeedEvent } from '../../../src/domain/live-feed/feed-mapping.js';
import type { BroadcastMessage, ChannelFeedEvent, FeedItem } from '../../../src/domain/live-feed/feed-item.js';
import type { EventEnvelope } from '../../../src/domain/shared/envelope.js';
import { liveWorld, type LiveOp } from './live-world.js';

const opArb: fc.Arbitrary<LiveOp> = fc.oneof(
  fc.record({ kind: fc.constant('price' as const), price: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({ kind: fc.constant('viewers' as const), count: fc.nat({ max: 10_000 }) }),
  fc.record({ kind: fc.constant('viewers' as const), count: fc.nat({ max: 10_000 }) }),
  fc.record({ kind: fc.constant('bid' as const), raise: fc.integer({ min: 1, max: 5 }) }),
);

const scenarioArb = fc.record({
  ops: fc.array(opArb, { minLength: 1, maxLength: 40 }),
  seed: fc.nat(),
  relayBatch: fc.integer({ min: 1, max: 12 }),
  fanoutBatch: fc.integer({ min: 1, max: 12 }),
  duplicateRate: fc.constantFrom(0, 0.2, 0.5),
  /** Small limits force several messages per shard. */
  maxMessageBytes: fc.constantFrom(1_200, 2_500, 120 * 1024),
  viewers: fc.integer({ min: 1, max: 7 }),
  /** How far into the history the viewer's join snapshot was taken (fraction of events). */
  snapshotAt: fc.double({ min: 0, max: 1, noNaN: true }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** The viewer side: what `ViewerClient` does with frames, without its socket and timers. */
class ViewerModel {
  readonly sequencer: StreamSequencer;
  readonly ranges = new Map<string, Array<[number, number]>>();
  view: ChannelView;

  constructor(snapshot: ChannelView) {
    this.view = snapshot;
    this.sequencer = new StreamSequencer(snapshot.versions);
    for (const [s, v] of Object.entries(snapshot.versions)) if (v > 0) this.ranges.set(s, [[1, v]]);
  }

  offer(item: ChannelFeedEvent): void {
    for (const { item: applied, from } of this.sequencer.offer(item)) {
      this.view = applyFeedEvent(this.view, applied);
      this.ranges.set(applied.streamId, [...(this.ranges.get(applied.streamId) ?? []), [from, applied.version]]);
    }
  }
}

const foldEvents = (channelId: string, envelopes: readonly EventEnvelope[]): ChannelView =>
  envelopes
    .map(toFeedEvent)
    .reduce<ChannelView>((view, item) => (item ? applyFeedEvent(view, item) : view), emptyChannelView(channelId));

const chunk = <T>(list: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

/**
 * Runs a channel's history through relay → feed → fan-out → broadcast queue → broadcast, with
 * redelivered batches, any delivery order and (optionally) lost messages, and returns what
 * each viewer connection ends up with.
 */
const runPipeline = async (s: Scenario, options: { loseRate: number }) => {
  const world = await liveWorld('c1');
  for (const op of s.ops) await world.run(op);
  const random = seededRandom(s.seed + 1);
  const clock = new FakeClock(0, random);

  // F2: the relay sees the change stream in batches; a batch may come twice (at-least-once).
  const feed = new InMemoryFeedStream({ shardCount: 2, sleeper: clock });
  const relay = makeRelayFeed({ publisher: feed });
  for (const batch of chunk(world.appended, s.relayBatch)) {
    await relay.relay(batch);
    if (random() < s.duplicateRate) await relay.relay(batch);
  }

  // F3: each feed shard in order, in batches, some redelivered.
  const registry = new InMemoryConnectionRegistry({ shardSize: 2 });
  const viewers = Array.from({ length: s.viewers }, (_, i) => `v${i}`);
  for (const id of viewers) await registry.join(id, 'c1', null, 0);
  const queue = new InMemoryQueue<BroadcastMessage>({ clock });
  const fanOut = makeFanOut({ queue, registry, maxMessageBytes: s.maxMessageBytes });
  for (let shard = 0; shard < feed.shardCount; shard++) {
    const items = feed.read(shard, 0, feed.length(shard)).map((r) => JSON.parse(r.data) as FeedItem);
    for (const batch of chunk(items, s.fanoutBatch)) {
      expect((await fanOut(batch)).failed.size).toBe(0);
      if (random() < s.duplicateRate) await fanOut(batch);
    }
  }

  // F4: the broadcast queue hands messages out in any order, some twice, some never (when asked).
  const messages: BroadcastMessage[] = [];
  for (let got = queue.receive(10); got.length > 0; got = queue.receive(10)) {
    for (const m of got) {
      messages.push(m.body as BroadcastMessage);
      queue.delete(m.receiptHandle);
    }
  }
  const deliveries = messages
    .flatMap((m) => (random() < s.duplicateRate ? [m, m] : [m]))
    .filter(() => random() >= options.loseRate);
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j] as BroadcastMessage, deliveries[i] as BroadcastMessage];
  }
  const gateway = new InMemoryConnectionGateway();
  for (const id of viewers) gateway.connect(id);
  const broadcast = makeBroadcast({ registry, gateway, retryQueue: queue });
  for (const message of deliveries) await broadcast(message);

  // The viewers joined after a snapshot taken part-way through the history.
  const cut = Math.floor(s.snapshotAt * world.appended.length);
  const snapshot = foldEvents('c1', world.appended.slice(0, cut));
  const models = viewers.map((id) => {
    const model = new ViewerModel(snapshot);
    for (const frame of gateway.parsedFramesOf<FeedFrame>(id))
      for (const item of frame.items) if (item.kind === 'event') model.offer(item);
    return model;
  });
  return { world, models, frames: viewers.map((id) => gateway.framesOf(id).length) };
};

const expectExactlyOnceInOrder = (model: ViewerModel, envelopes: readonly EventEnvelope[]): void => {
  for (const streamId of new Set(envelopes.map((e) => e.streamId))) {
    const last = Math.max(...envelopes.filter((e) => e.streamId === streamId).map((e) => e.version));
    const ranges = model.ranges.get(streamId) ?? [];
    let next = 1;
    for (const [from, to] of ranges) {
      expect(from).toBe(next); // no gap, no version applied twice, never out of order
      expect(to).toBeGreaterThanOrEqual(from);
      next = to + 1;
    }
    expect(next - 1).toBe(last);
  }
};

describe('viewer delivery through relay → fan-out → broadcast (G3)', () => {
  it('for any batch split, redelivery and delivery order, every viewer ends as if it applied each stream once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const { world, models } = await runPipeline(s, { loseRate: 0 });
        const expected = foldEvents('c1', world.appended);
        for (const model of models) {
          expect(model.sequencer.gaps()).toEqual([]);
          expect(model.view).toEqual(expected);
          expectExactlyOnceInOrder(model, world.appended);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('with lost messages, the gaps the client sees plus recovery over HTTP restore the same state', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const { world, models } = await runPipeline(s, { loseRate: 0.3 });
        const recover = makeStreamRecovery({ store: world.store });
        for (const model of models) {
          // What ViewerClient does: recover each gap; then a version check catches a loss at the tail.
          for (const gap of model.sequencer.gaps()) {
            const page = await recover(gap.streamId, gap.after);
            for (const item of page?.items ?? []) model.offer(item);
          }
          for (const streamId of [`channel-c1`, world.auctionStreamId]) {
            const page = await recover(streamId, model.sequencer.lastVersion(streamId));
            for (const item of page?.items ?? []) model.offer(item);
          }
          expect(model.view).toEqual(foldEvents('c1', world.appended));
          expectExactlyOnceInOrder(model, world.appended);
        }
      }),
      { numRuns: 200 },
    );
  });
});
