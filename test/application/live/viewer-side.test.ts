import { describe, expect, it } from 'vitest';
import { FakeClock, SequentialIds } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryConnectionRegistry } from '../../../src/adapters/in-memory/connection-registry-adapter-in-memory.js';
import { InMemoryFeedStream } from '../../../src/adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { InMemoryTokenBucket } from '../../../src/adapters/in-memory/rate-limiter-adapter-in-memory.js';
import { makeChannelSnapshot } from '../../../src/application/live/channel-snapshot.js';
import { makeRelayFeed } from '../../../src/application/live/relay-feed.js';
import { makeStreamRecovery } from '../../../src/application/live/stream-recovery.js';
import { makeViewerSignals } from '../../../src/application/live/viewer-signals.js';
import type { EventStore } from '../../../src/application/ports/event-store.port.js';
import type { FeedItem } from '../../../src/domain/live-feed/feed-item.js';
import { DomainError } from '../../../src/domain/shared/errors.js';
import { liveWorld } from './live-world.js';

const codeOf = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof DomainError ? e.code : e instanceof Error ? e.name : String(e)),
  );

describe('relay (F2)', () => {
  it('publishes a batch with ONE put, skipping streams viewers never see', async () => {
    const world = await liveWorld();
    await world.run({ kind: 'price', price: 123 });
    const published: FeedItem[][] = [];
    const relay = makeRelayFeed({ publisher: { publish: async (items) => void published.push([...items]) } });
    const trip = {
      streamId: 'trip-t1',
      version: 1,
      eventId: 't',
      type: 'SalesClosed',
      schemaVersion: 1,
      occurredAt: 1,
      data: { at: 1 },
    };
    expect(await relay.relay([...world.appended, trip])).toBe(world.appended.length);
    expect(published).toHaveLength(1);
    expect(published[0]?.map((i) => (i.kind === 'event' ? `${i.streamId}@${i.version}` : ''))).toEqual(
      world.appended.map((e) => `${e.streamId}@${e.version}`),
    );
  });
});

describe('chat and likes', () => {
  const setup = async () => {
    const clock = new FakeClock(0);
    const registry = new InMemoryConnectionRegistry();
    const feed = new InMemoryFeedStream({ shardCount: 1, sleeper: clock, clock });
    const signals = makeViewerSignals({
      registry,
      publisher: feed,
      clock,
      ids: new SequentialIds('m'),
      chatLimiter: new InMemoryTokenBucket({ capacity: 2, refillPerSecond: 1, clock }),
      likeLimiter: new InMemoryTokenBucket({ capacity: 1, refillPerSecond: 1, clock }),
    });
    await registry.join('conn', 'c1', 'u1', 0);
    const published = () => feed.read(0, 0, 100).map((r) => JSON.parse(r.data) as FeedItem);
    return { clock, signals, published };
  };

  it('publishes trimmed chat as a signal of the joined channel, not as a channel event', async () => {
    const { signals, published } = await setup();
    await signals.chat('conn', '  hello  ');
    expect(published()).toEqual([
      { kind: 'signal', signal: 'CHAT', channelId: 'c1', messageId: 'm-1', userId: 'u1', text: 'hello', at: 0 },
    ]);
  });

  it('refuses empty, long or control-character text, and viewers who have not joined', async () => {
    const { signals, published } = await setup();
    expect(await codeOf(signals.chat('conn', '   '))).toBe('ZodError');
    expect(await codeOf(signals.chat('conn', 'x'.repeat(501)))).toBe('ZodError');
    expect(await codeOf(signals.chat('conn', 'bell\u0007'))).toBe('ZodError');
    expect(await codeOf(signals.chat('conn', 'evil\u202Etxt'))).toBe('ZodError');
    expect(await codeOf(signals.chat('stranger', 'hi'))).toBe('NOT_JOINED');
    expect(published()).toEqual([]);
  });

  it('rate-limits each connection with a token bucket that refills over time', async () => {
    const { clock, signals, published } = await setup();
    await signals.chat('conn', 'one');
    await signals.chat('conn', 'two');
    expect(await codeOf(signals.chat('conn', 'three'))).toBe('RATE_LIMITED');
    await signals.like('conn', 3);
    expect(await codeOf(signals.like('conn'))).toBe('RATE_LIMITED');
    clock.advance(1_000);
    await signals.chat('conn', 'four');
    await signals.like('conn');
    expect(
      published().map((s) =>
        s.kind === 'signal' && s.signal === 'CHAT' ? s.text : s.kind === 'signal' && s.signal === 'LIKES' ? s.count : 0,
      ),
    ).toEqual(['one', 'two', 3, 'four', 1]);
  });
});

describe('join snapshot and recovery', () => {
  it('returns the channel with its open auctions and the version of each stream', async () => {
    const world = await liveWorld();
    await world.run({ kind: 'bid', raise: 2 });
    await world.run({ kind: 'viewers', count: 42 });
    const snapshot = await makeChannelSnapshot({ store: world.store })('c1');
    expect(snapshot?.versions).toEqual({ 'channel-c1': 5, [world.auctionStreamId]: 2 });
    expect(snapshot?.openAuctions).toEqual(['c1-a1']);
    expect(snapshot?.view).toMatchObject({ status: 'LIVE', viewerCount: 42, products: { p1: { price: 10_000 } } });
    expect(snapshot?.view.auctions['c1-a1']).toMatchObject({
      status: 'OPEN',
      highestBid: { amount: 1_100 },
      minimumNextBid: 1_200,
    });
    expect(await makeChannelSnapshot({ store: world.store })('nope')).toBeNull();
  });

  it('catches a cached view up with only the new events, and serves concurrent joins with one catch-up', async () => {
    const world = await liveWorld();
    const reads: Array<[string, number]> = [];
    const store: EventStore = {
      read: (streamId, after = 0) => {
        reads.push([streamId, after]);
        return world.store.read(streamId, after);
      },
      append: (...args) => world.store.append(...args),
    };
    const snapshot = makeChannelSnapshot({ store });
    await snapshot('c1');
    await world.run({ kind: 'price', price: 777 });
    reads.length = 0;
    const [a, b, c] = await Promise.all([snapshot('c1'), snapshot('c1'), snapshot('c1')]);
    expect(a?.view.products['p1']?.price).toBe(777);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // At most one catch-up running plus one trailing one, each reading only after the cached versions.
    expect(reads.filter(([s]) => s === 'channel-c1').every(([, after]) => after >= 4)).toBe(true);
    expect(reads.filter(([s]) => s === 'channel-c1').length).toBeLessThanOrEqual(2);
  });

  it('serves the events after a version in pages, and only for viewer streams', async () => {
    const world = await liveWorld();
    for (let i = 0; i < 5; i++) await world.run({ kind: 'viewers', count: i + 1 });
    const recover = makeStreamRecovery({ store: world.store });
    const page = await recover('channel-c1', 2, 3);
    expect(page?.items.map((i) => i.version)).toEqual([3, 4, 5]);
    expect(page).toMatchObject({ version: 9, hasMore: true });
    expect((await recover('channel-c1', 9))?.items).toEqual([]);
    expect(await recover('trip-t1', 0)).toBeNull();
    expect(await recover('channel-unknown', 0)).toBeNull();
  });
});
