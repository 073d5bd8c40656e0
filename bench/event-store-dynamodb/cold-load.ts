import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CapacityMeter } from '../../src/adapters/dynamodb/capacity-meter.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { DynamoDbSnapshotStore } from '../../src/adapters/dynamodb/snapshot-store-adapter-dynamodb.js';
import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { CommandHandler, type SnapshotPolicy } from '../../src/application/command-handler.js';
import {
  auctionCodec,
  auctionDecider,
  type AuctionCommand,
  type AuctionEvent,
} from '../../src/domain/auction/index.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../../src/domain/shared/ids.js';
import { median } from '../lib/stats.js';

export interface ColdLoadFigures {
  readonly streamLength: number;
  readonly snapshots: boolean;
  readonly ms: number;
  readonly roundTrips: number;
  readonly bytesRead: number;
  readonly readUnits: number;
}

const T0 = 1_750_000_000_000;
const opened = (auctionId: string): AuctionEvent => ({
  type: 'AuctionOpened',
  data: {
    auctionId: auctionId as AuctionId,
    channelId: 'ch1' as ChannelId,
    sellerId: 'seller' as UserId,
    productId: `p-${auctionId}` as ProductId,
    startingPrice: 100,
    minIncrement: 1,
    currency: 'EUR',
    endsAt: T0 + 86_400_000,
    extendWindowMs: 0,
    extendByMs: 0,
    maxExtensionMs: 0,
    openedAt: T0,
  },
});
const bidEvent = (n: number): AuctionEvent => ({
  type: 'BidPlaced',
  data: { bidId: `b${n}` as BidId, bidderId: `user-${n % 500}` as UserId, amount: 100 + n, placedAt: T0 + n },
});
const bidCommand = (n: number): AuctionCommand => ({
  type: 'PlaceBid',
  bidId: `b${n}` as BidId,
  bidderId: `user-${n % 500}` as UserId,
  amount: 100 + n,
  at: T0 + n,
});

/**
 * The first command a cold Lambda handles on a stream of `length` events (an auction: opened,
 * then bids), with a fresh CommandHandler each time (no cache): without snapshots it reads the
 * whole stream; with them, the snapshot (written beforehand, as the policy would have) + the tail.
 */
export const measureColdLoad = async (
  client: DynamoDBClient,
  meter: CapacityMeter,
  tables: { events: string; snapshots: string },
  lengths: readonly number[],
  repeats: number,
  progress: (text: string) => void,
): Promise<ColdLoadFigures[]> => {
  const doc = documentClientFor(client);
  const store = new DynamoDbEventStore(doc, tables.events);
  const snapshotStore = new DynamoDbSnapshotStore(doc, tables.snapshots);
  const clock = new FakeClock(T0);
  const handlerFor = (snapshots?: SnapshotPolicy) =>
    new CommandHandler(auctionDecider, auctionCodec, {
      store,
      clock,
      sleeper: clock,
      ids: { next: () => randomUUID() },
      snapshots,
    });
  const policy: SnapshotPolicy = {
    store: snapshotStore,
    everyEvents: 100,
    maxFoldedEvents: 100,
    onError: (_s, e) => {
      throw e;
    },
  };
  const streams: { length: number; streamId: string }[] = [];
  for (const length of lengths) {
    const streamId = `auction-cold-${length}-${randomUUID().slice(0, 8)}`;
    progress(`cold load: seeding a ${length.toLocaleString('en-US')}-event stream`);
    const events = [opened(streamId), ...Array.from({ length: length - 1 }, (_, i) => bidEvent(i + 1))];
    for (let v = 0; v < events.length; v += 100) {
      await store.append(
        streamId,
        v,
        events
          .slice(v, v + 100)
          .map((e, i) => ({ eventId: randomUUID(), ...auctionCodec.encode(e), occurredAt: T0 + v + i })),
      );
    }
    // As the policy would have done on an earlier load: a snapshot near the head (none for a short stream).
    const seeding = handlerFor(policy);
    await seeding.load(streamId);
    await seeding.snapshotsSettled();
    streams.push({ length, streamId });
  }
  type Sample = { ms: number; roundTrips: number; bytesRead: number; readUnits: number };
  const samples = new Map<string, Sample[]>();
  const next = new Map(streams.map(({ streamId, length }) => [streamId, length]));
  // With snapshots first, then without, each phase in rounds that measure every length once, in
  // an order rotated per round, after one unmeasured round. Lengths interleaved: a JVM pause or a
  // neighbour's burst lands on every length alike instead of on whichever was measured then. The
  // phases apart: a replay of 10,000 events leaves ~2 MB of garbage (here and in DynamoDB Local's
  // JVM) that the next command would pay for. Rotated: each length follows each other as often.
  for (const snapshots of [true, false]) {
    for (let r = -1; r < repeats; r++) {
      progress(
        `cold load ${snapshots ? 'with' : 'without'} snapshots: ${r < 0 ? 'warm-up round' : `round ${r + 1}/${repeats}`}`,
      );
      const start = ((r % streams.length) + streams.length) % streams.length;
      for (const { length, streamId } of [...streams.slice(start), ...streams.slice(0, start)]) {
        const handler = handlerFor(snapshots ? policy : undefined);
        const n = next.get(streamId) as number;
        next.set(streamId, n + 1);
        meter.reset();
        const t0 = performance.now();
        const result = await handler.handle(streamId, bidCommand(n));
        const ms = performance.now() - t0;
        const f = meter.figures();
        if (result.events.length !== 1) throw new Error(`cold load on ${streamId}: the bid was not accepted`);
        // Background snapshot writes are not part of the command; let them finish outside the measure.
        await handler.snapshotsSettled();
        if (r < 0) continue;
        const key = `${length}/${snapshots}`;
        samples.set(key, [
          ...(samples.get(key) ?? []),
          { ms, roundTrips: f.roundTrips, bytesRead: f.bytesRead, readUnits: f.readUnits },
        ]);
      }
    }
  }
  const out: ColdLoadFigures[] = [];
  for (const { length } of streams) {
    for (const snapshots of [false, true]) {
      const taken = samples.get(`${length}/${snapshots}`) ?? [];
      out.push({
        streamLength: length,
        snapshots,
        ms: median(taken.map((s) => s.ms)),
        roundTrips: median(taken.map((s) => s.roundTrips)),
        bytesRead: median(taken.map((s) => s.bytesRead)),
        readUnits: median(taken.map((s) => s.readUnits)),
      });
    }
  }
  return out;
};
