import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemorySnapshotStore } from '../../src/adapters/in-memory/snapshot-store-adapter-in-memory.js';
import { CommandHandler, type SnapshotPolicy } from '../../src/application/command-handler.js';
import type { Snapshot, SnapshotStore } from '../../src/application/ports/snapshot-store.port.js';
import { auctionCodec, auctionDecider, auctionSnapshot, type AuctionCommand } from '../../src/domain/auction/index.js';
import { fold } from '../../src/domain/shared/decider.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../../src/domain/shared/ids.js';
import { auctionRun } from '../domain/auction/auction.arbitraries.js';
import { canonical, eventsOf, runCommands } from '../domain/decider-harness.js';
import { handlerDeps, RecordingStore } from './command-handler.fixtures.js';

const policy = (store: SnapshotStore, extra: Partial<SnapshotPolicy> = {}): SnapshotPolicy => ({
  store,
  everyEvents: 1_000,
  maxFoldedEvents: 1_000,
  ...extra,
});

const open: AuctionCommand = {
  type: 'OpenAuction',
  auctionId: 'a1' as AuctionId,
  channelId: 'c1' as ChannelId,
  sellerId: 'seller' as UserId,
  productId: 'p1' as ProductId,
  startingPrice: 100,
  minIncrement: 10,
  currency: 'KRW',
  endsAt: 1_000_000,
  at: 0,
};
const bid = (n: number): AuctionCommand => ({
  type: 'PlaceBid',
  bidId: `b${n}` as BidId,
  bidderId: `u${n % 7}` as UserId,
  amount: 100 + 10 * n,
  at: n,
});

describe('CommandHandler snapshots', () => {
  it('for any history and any snapshot point, snapshot + tail loads the state of the full history; a snapshot of another schema version is ignored', async () => {
    await fc.assert(
      fc.asyncProperty(auctionRun, fc.nat(), fc.integer({ min: 1, max: 5 }), async (run, pick, otherVersion) => {
        const events = eventsOf(runCommands(auctionDecider, run));
        const cut = pick % (events.length + 1);
        const expected = canonical(fold(auctionDecider, auctionDecider.initialState, events));
        const store = new RecordingStore();
        if (events.length > 0) {
          await store.inner.append(
            'auction-a1',
            0,
            events.map((e, i) => ({ eventId: `e${i}`, ...auctionCodec.encode(e), occurredAt: i })),
          );
        }
        const atCut = fold(auctionDecider, auctionDecider.initialState, events.slice(0, cut));
        const good: Snapshot = {
          streamId: 'auction-a1',
          version: cut,
          schemaVersion: auctionSnapshot.schemaVersion,
          state: auctionSnapshot.encode(atCut),
        };

        const snapshots = new InMemorySnapshotStore();
        await snapshots.save(good);
        const handler = new CommandHandler(auctionDecider, auctionCodec, {
          ...handlerDeps(store),
          snapshots: policy(snapshots),
        });
        const loaded = await handler.load('auction-a1');
        expect(canonical(loaded.state)).toBe(expected);
        expect(loaded.version).toBe(events.length);
        // The snapshot was used: only the tail was read.
        expect(store.reads.at(-1)).toMatchObject({ afterVersion: cut, returned: events.length - cut });

        // A snapshot written by another `evolve` claims the whole stream with a wrong state.
        const stale = new InMemorySnapshotStore();
        const wrong = auctionSnapshot.encode(auctionDecider.initialState);
        await stale.save({
          streamId: 'auction-a1',
          version: events.length,
          schemaVersion: auctionSnapshot.schemaVersion + otherVersion,
          state: wrong,
        });
        const fresh = new CommandHandler(auctionDecider, auctionCodec, {
          ...handlerDeps(store),
          snapshots: policy(stale),
        });
        const replayed = await fresh.load('auction-a1');
        expect(canonical(replayed.state)).toBe(expected);
        expect(store.reads.at(-1)).toMatchObject({ afterVersion: 0, returned: events.length });
      }),
      { numRuns: 200 },
    );
  });

  it('snapshots every N events in the background, and a cold handler starts from it', async () => {
    const store = new RecordingStore();
    const snapshots = new InMemorySnapshotStore();
    const handler = new CommandHandler(auctionDecider, auctionCodec, {
      ...handlerDeps(store),
      snapshots: policy(snapshots, { everyEvents: 10 }),
    });
    await handler.handle('auction-a1', open);
    for (let n = 1; n <= 24; n++) await handler.handle('auction-a1', bid(n));
    await handler.snapshotsSettled();
    expect((await snapshots.load('auction-a1'))?.version).toBe(20);

    const cold = new CommandHandler(auctionDecider, auctionCodec, {
      ...handlerDeps(store),
      snapshots: policy(snapshots, { everyEvents: 10 }),
    });
    const result = await cold.handle('auction-a1', bid(25));
    expect(result.version).toBe(26);
    expect(store.reads.at(-1)).toMatchObject({ afterVersion: 20, returned: 5 });
    expect(canonical(result.state)).toBe(
      canonical((await new CommandHandler(auctionDecider, auctionCodec, handlerDeps(store)).load('auction-a1')).state),
    );
  });

  it('snapshots after a load that folded more than the threshold', async () => {
    const store = new RecordingStore();
    const plain = new CommandHandler(auctionDecider, auctionCodec, handlerDeps(store));
    await plain.handle('auction-a1', open);
    for (let n = 1; n <= 30; n++) await plain.handle('auction-a1', bid(n));
    const snapshots = new InMemorySnapshotStore();
    const cold = new CommandHandler(auctionDecider, auctionCodec, {
      ...handlerDeps(store),
      snapshots: policy(snapshots, { maxFoldedEvents: 25 }),
    });
    await cold.load('auction-a1');
    await cold.snapshotsSettled();
    expect((await snapshots.load('auction-a1'))?.version).toBe(31);
  });

  it('never fails or blocks a command when the snapshot store fails or holds garbage', async () => {
    const errors: string[] = [];
    const broken: SnapshotStore = {
      load: () => Promise.reject(new Error('snapshot table unreachable')),
      save: () => Promise.reject(new Error('snapshot table unreachable')),
    };
    const store = new RecordingStore(new InMemoryEventStore());
    const onError = (_s: string, e: unknown) => errors.push((e as Error).message);
    const handler = new CommandHandler(auctionDecider, auctionCodec, {
      ...handlerDeps(store),
      snapshots: policy(broken, { everyEvents: 2, onError }),
    });
    await handler.handle('auction-a1', open);
    const result = await handler.handle('auction-a1', bid(1));
    expect(result.version).toBe(2);
    await handler.snapshotsSettled();
    expect(errors).toEqual(['snapshot table unreachable', 'snapshot table unreachable']);

    const garbage = new InMemorySnapshotStore();
    await garbage.save({
      streamId: 'auction-a1',
      version: 2,
      schemaVersion: auctionSnapshot.schemaVersion,
      state: { status: 'OPEN', bids: 'not a list' },
    });
    const cold = new CommandHandler(auctionDecider, auctionCodec, {
      ...handlerDeps(store),
      snapshots: policy(garbage, { onError }),
    });
    expect((await cold.handle('auction-a1', bid(2))).version).toBe(3);
    expect(errors).toHaveLength(3);
  });
});
