import { describe, expect, it } from 'vitest';
import { tripCodec, tripDecider, tripStreamId } from '../../../src/domain/booking/index.js';
import type { RequestId, TripId, UserId } from '../../../src/domain/shared/ids.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import type { BookingRequestMessage } from '../../../src/application/booking/booking-request-message.js';
import { makeGetBookingStats } from '../../../src/application/booking/booking-stats.js';
import { makeCancelBooking } from '../../../src/application/booking/cancel-booking.js';
import { makeProcessBooking } from '../../../src/application/booking/process-booking.js';
import { makeRequestBooking } from '../../../src/application/booking/request-booking.js';
import { makeScheduleTrip } from '../../../src/application/booking/schedule-trip.js';
import { StatsPublisher } from '../../../src/application/booking/stats-publisher.js';
import type { BlobStore } from '../../../src/application/ports/blob-store.port.js';
import type { EventStore } from '../../../src/application/ports/event-store.port.js';
import { InMemoryBlobStore } from '../../../src/adapters/in-memory/blob-store-adapter-in-memory.js';
import { InMemoryBookingRequestIndex } from '../../../src/adapters/in-memory/booking-request-index-adapter-in-memory.js';
import { FakeClock, SequentialIds } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryCounterStore } from '../../../src/adapters/in-memory/counter-store-adapter-in-memory.js';
import { InMemoryEventStore } from '../../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { actorFor } from '../../support/auth.js';

const TRIP = 'trip-1' as TripId;

const setup = async () => {
  const clock = new FakeClock(1_000_000);
  const inner = new InMemoryEventStore();
  const reads: string[] = [];
  const store: EventStore = {
    read: (id, after) => (reads.push(id), inner.read(id, after)),
    append: (id, v, e) => inner.append(id, v, e),
  };
  const kernel = { store, clock, ids: new SequentialIds('e'), sleeper: clock };
  const trips = new CommandHandler(tripDecider, tripCodec, kernel);
  const counters = new InMemoryCounterStore();
  const index = new InMemoryBookingRequestIndex();
  const queue = new InMemoryQueue<BookingRequestMessage>({ fifo: true, clock });
  await makeScheduleTrip({ trips, counters })({
    tripId: TRIP,
    route: 'r',
    departsAt: clock.now() + 3_600_000,
    capacity: 2,
    maxSeatsPerBooking: 2,
  });
  return {
    clock,
    inner,
    reads,
    trips,
    counters,
    index,
    queue,
    request: makeRequestBooking({ trips, index, queue, counters, clock, ids: new SequentialIds('r') }),
    process: makeProcessBooking({ trips: new CommandHandler(tripDecider, tripCodec, kernel), counters, clock }),
    cancel: makeCancelBooking({ trips, index, counters, clock }),
    stats: makeGetBookingStats({ counters }),
  };
};

const body = (t: Awaited<ReturnType<typeof setup>>) =>
  t.queue.receive(10).map((d) => (t.queue.delete(d.receiptHandle), d.body as BookingRequestMessage));

describe('booking use cases', () => {
  it('reads the trip stream once for a rush of requests (terms are cached; no hot partition on the API path)', async () => {
    const t = await setup();
    t.reads.length = 0;
    for (let i = 0; i < 100; i++) await t.request({ tripId: TRIP, actor: actorFor(`p-${i}`), seats: 1 });
    expect(t.reads.filter((id) => id === tripStreamId(TRIP))).toHaveLength(1);
  });

  it('counts a request once when the consumer crashed after deciding and before counting', async () => {
    const t = await setup();
    await t.request({ tripId: TRIP, actor: actorFor('kim'), seats: 2, requestId: 'r-1' as RequestId });
    const [message] = body(t);
    const failing = makeProcessBooking({
      trips: new CommandHandler(tripDecider, tripCodec, {
        store: t.inner,
        clock: t.clock,
        ids: new SequentialIds('x'),
        sleeper: t.clock,
      }),
      counters: { add: async () => Promise.reject(new Error('crash')), read: (id) => t.counters.read(id) },
      clock: t.clock,
    });
    await expect(failing(message!)).rejects.toThrow('crash');
    expect(await t.stats()).toMatchObject({ requests: 1, processed: 0 });

    await t.process(message!); // the redelivery: the decider yields nothing, the outcome is in the state
    await t.process(message!); // and a duplicate
    expect(await t.stats()).toMatchObject({ requests: 1, processed: 1, success: 1 });
    const { events } = await t.inner.read(tripStreamId(TRIP));
    expect(events.filter((e) => e.type === 'BookingConfirmed')).toHaveLength(1);
  });

  it('repairs a missing `requests` count from the consumer (the API crashed after queueing)', async () => {
    const t = await setup();
    const message = {
      requestId: 'r-9' as RequestId,
      tripId: TRIP,
      passengerId: 'kim' as UserId,
      seats: 1,
      requestedAt: t.clock.now(),
    };
    await t.process(message);
    expect(await t.stats()).toMatchObject({
      requests: 1,
      processed: 1,
      success: 1,
      trips: [expect.objectContaining({ tripId: TRIP, requests: 1 })],
    });
  });

  it('cancels a confirmed booking once, frees its seats and counts the cancellation once', async () => {
    const t = await setup();
    await t.request({ tripId: TRIP, actor: actorFor('kim'), seats: 2, requestId: 'r-1' as RequestId });
    for (const m of body(t)) await t.process(m);
    const first = await t.cancel({ requestId: 'r-1' as RequestId, actor: actorFor('kim') });
    const again = await t.cancel({ requestId: 'r-1' as RequestId, actor: actorFor('kim') });
    expect(first).toMatchObject({ status: 'CANCELLED', seatNumbers: [1, 2] });
    expect(again.status).toBe('CANCELLED');
    expect(await t.stats()).toMatchObject({ success: 1, cancelled: 1 });
    await t.request({ tripId: TRIP, actor: actorFor('lee'), seats: 2, requestId: 'r-2' as RequestId });
    for (const m of body(t)) expect((await t.process(m)).status).toBe('CONFIRMED');
  });
});

describe('StatsPublisher', () => {
  const figures = { requests: 1, processed: 1, success: 1, cancelled: 0, successRate: 1, trips: [] };

  it('writes at most once per interval, keeps the rest pending, and flush writes the last figures', async () => {
    const clock = new FakeClock(0);
    const blobs = new InMemoryBlobStore();
    let reads = 0;
    const publisher = new StatsPublisher(blobs, async () => ({ ...figures, processed: ++reads }), clock, {
      key: 'stats.json',
    });
    expect(await publisher.changed()).toBe(true);
    clock.advance(400);
    expect(await publisher.changed()).toBe(false);
    expect(JSON.parse((await blobs.get('stats.json'))!).processed).toBe(1);
    expect(await publisher.flush()).toBe(true);
    expect(JSON.parse((await blobs.get('stats.json'))!).processed).toBe(2);
    expect(await publisher.flush()).toBe(false); // nothing pending
    expect(blobs.entry('stats.json')?.contentType).toBe('application/json');
  });

  it('keeps the figures pending when a write fails, and the next flush publishes them', async () => {
    const clock = new FakeClock(0);
    const good = new InMemoryBlobStore();
    let fail = true;
    const blobs: BlobStore = {
      put: (k, b, c) => (fail ? Promise.reject(new Error('S3 down')) : good.put(k, b, c)),
      get: (k) => good.get(k),
    };
    const publisher = new StatsPublisher(blobs, async () => figures, clock, { key: 'stats.json' });
    await expect(publisher.changed()).rejects.toThrow('S3 down');
    fail = false;
    expect(await publisher.flush()).toBe(true);
    expect(JSON.parse((await good.get('stats.json'))!)).toMatchObject({ requests: 1 });
  });
});
