import { describe, expect, it } from 'vitest';
import { channelCodec, channelDecider, channelStreamId } from '../../../src/domain/channel/index.js';
import type { ChannelId, SessionId, UserId } from '../../../src/domain/shared/ids.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { makeAcceptHeartbeat, makeEndViewerSession } from '../../../src/application/presence/accept-heartbeat.js';
import type { PresenceMessage } from '../../../src/application/presence/presence-message.js';
import { presenceSettings } from '../../../src/application/presence/presence-settings.js';
import { PresenceTracker } from '../../../src/application/presence/presence-tracker.js';
import { withViewerCountRateLimit } from '../../../src/application/presence/viewer-count-rate-limit.js';
import { ViewerCountPublisher } from '../../../src/application/presence/viewer-count-publisher.js';
import { FakeClock, SequentialIds } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryEventStore } from '../../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { InMemoryPresenceStore } from '../../../src/adapters/in-memory/presence-store-adapter-in-memory.js';

const CH = 'ch-1' as ChannelId;
const sid = (s: string) => s as SessionId;

/** Two consumer instances (two Lambdas) over one store and one queue; messages applied by hand. */
const setup = async () => {
  const clock = new FakeClock(1_000_000);
  const store = new InMemoryEventStore();
  const kernel = { store, clock, ids: new SequentialIds('e'), sleeper: clock };
  const settings = presenceSettings();
  const queue = new InMemoryQueue<PresenceMessage>({ clock });
  const presence = new InMemoryPresenceStore({ now: () => clock.now() });
  const instance = () => {
    const channels = new CommandHandler(
      withViewerCountRateLimit(channelDecider, settings.minPublishIntervalMs),
      channelCodec,
      kernel,
    );
    return new PresenceTracker({
      store: presence,
      publisher: new ViewerCountPublisher(channels, 1_000),
      channels,
      followUps: queue,
      clock,
      settings,
    });
  };
  const plain = new CommandHandler(channelDecider, channelCodec, kernel);
  await plain.handle(channelStreamId(CH), {
    type: 'ScheduleChannel',
    channelId: CH,
    sellerId: 's' as UserId,
    title: 't',
    currency: 'KRW',
    at: clock.now(),
  });
  await plain.handle(channelStreamId(CH), { type: 'StartLive', at: clock.now() });
  const accept = makeAcceptHeartbeat({ queue, clock });
  const end = makeEndViewerSession({ queue, clock });
  /** Delivers every visible message to `tracker` as one batch. */
  const deliver = async (tracker: PresenceTracker) => {
    const batch = tracker.batch();
    const outcomes = [];
    for (const d of queue.receive(10)) {
      outcomes.push(await batch.apply(d.body as PresenceMessage));
      queue.delete(d.receiptHandle);
    }
    return { outcomes, counts: await batch.finish() };
  };
  const published = async () => {
    const { events } = await store.read(channelStreamId(CH));
    return events
      .filter((e) => e.type === 'ViewerCountChanged')
      .map((e) => channelCodec.decode(e).data as { count: number; asOf: number });
  };
  return { clock, instance, accept, end, deliver, published, presence, plain, queue };
};

describe('PresenceTracker', () => {
  it('defers a change inside the publish interval and flushes it on the next tick, never losing the last count', async () => {
    const t = await setup();
    const tracker = t.instance();
    await t.accept({ channelId: CH, sessionId: sid('a'), userId: null, sequence: 1 });
    await t.deliver(tracker);
    t.clock.advance(300);
    await t.accept({ channelId: CH, sessionId: sid('b'), userId: null, sequence: 1 });
    const second = await t.deliver(tracker);
    expect(second.counts).toEqual([{ channelId: CH, outcome: 'THROTTLED' }]);
    expect((await t.published()).map((e) => e.count)).toEqual([1]);

    t.clock.advance(800); // no beat comes; the tick notices the pending count
    await tracker.tick();
    expect((await t.published()).map((e) => e.count)).toEqual([1, 2]);
    const [first, last] = await t.published();
    expect(last!.asOf - first!.asOf).toBeGreaterThanOrEqual(1_000);
  });

  it('also flushes a deferred count through the delayed recount message alone (no tick, as in Lambda)', async () => {
    const t = await setup();
    const tracker = t.instance();
    await t.accept({ channelId: CH, sessionId: sid('a'), userId: null, sequence: 1 });
    await t.deliver(tracker);
    t.clock.advance(200);
    await t.accept({ channelId: CH, sessionId: sid('b'), userId: null, sequence: 1 });
    await t.deliver(tracker);
    const due = t.queue.nextVisibleAt();
    expect(due).not.toBeNull();
    t.clock.set(due!);
    const { outcomes } = await t.deliver(t.instance()); // any instance may receive it
    expect(outcomes).toContain('RECOUNT');
    expect((await t.published()).map((e) => e.count)).toEqual([1, 2]);
  });

  it('publishes at most once a second per channel even when two instances race', async () => {
    const t = await setup();
    const [one, two] = [t.instance(), t.instance()];
    for (let i = 0; i < 40; i++) {
      await t.accept({ channelId: CH, sessionId: sid(`s-${i}`), userId: null, sequence: 1 });
      const receivedBy = i % 2 === 0 ? one : two;
      await Promise.all([t.deliver(receivedBy), (i % 2 === 0 ? two : one).tick()]);
      t.clock.advance(137);
    }
    const events = await t.published();
    expect(events.length).toBeGreaterThan(3);
    for (let i = 1; i < events.length; i++) expect(events[i]!.asOf - events[i - 1]!.asOf).toBeGreaterThanOrEqual(1_000);
  });

  it('ends a session at once on disconnect, and a late beat with an older sequence does not revive it', async () => {
    const t = await setup();
    const tracker = t.instance();
    await t.accept({ channelId: CH, sessionId: sid('a'), userId: null, sequence: 4 });
    await t.accept({ channelId: CH, sessionId: sid('b'), userId: null, sequence: 1 });
    await t.deliver(tracker);
    t.clock.advance(2_000);
    await t.end({ channelId: CH, sessionId: sid('a') });
    await t.deliver(tracker);
    expect(await t.presence.count(CH, t.clock.now())).toBe(1);
    t.clock.advance(2_000);
    await t.accept({ channelId: CH, sessionId: sid('a'), userId: null, sequence: 5 }); // straggler from before the close
    await t.deliver(tracker);
    expect(await t.presence.count(CH, t.clock.now())).toBe(1);
    expect((await t.published()).map((e) => e.count)).toEqual([2, 1]);
  });

  it('drops beats once the channel has ended and publishes nothing more', async () => {
    const t = await setup();
    const tracker = t.instance();
    await t.plain.handle(channelStreamId(CH), { type: 'EndLive', at: t.clock.now() });
    await t.accept({ channelId: CH, sessionId: sid('a'), userId: null, sequence: 1 });
    const { outcomes, counts } = await t.deliver(tracker);
    expect(outcomes).toEqual(['NO_CHANNEL']);
    expect(counts).toEqual([]);
    expect(await t.presence.count(CH, t.clock.now())).toBe(0);
    expect(await t.published()).toEqual([]);
  });
});
