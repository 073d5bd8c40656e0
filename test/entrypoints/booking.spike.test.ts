import { describe, expect, it } from 'vitest';
import { tripCodec, tripStreamId, type TripEvent } from '../../src/domain/booking/index.js';
import type { CounterStore } from '../../src/application/ports/counter-store.port.js';
import type { EventStore } from '../../src/application/ports/event-store.port.js';
import { seededRandom } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { bookingWorld, DEFAULT_TRIP } from './booking-world.js';
import { call } from './http-test-events.js';
import { pollOnce } from './sqs-test-driver.js';

class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

const REQUESTS = 10_000;
const CAPACITY = 500;

describe('booking spike (F6, G4): API handler → FIFO queue → booking consumer', () => {
  it(`${REQUESTS.toLocaleString('en')} concurrent requests (+10 % duplicated ids) for ${CAPACITY} seats, with crashes and redeliveries`, async () => {
    const rng = seededRandom(2026);
    const crash = { appends: 0, apiCountsLeft: 25, countsBeforeCrash: new Set<string>(), invocations: 0 };
    // Crash after a trip append (the write landed, the Lambda died before acking): every 97th append.
    const wrapStore = (store: EventStore): EventStore => ({
      read: (streamId, after) => store.read(streamId, after),
      append: async (streamId, expected, events) => {
        const stored = await store.append(streamId, expected, events);
        if (streamId.startsWith('trip-') && ++crash.appends % 97 === 0)
          throw new SimulatedCrash('crash after append, before counting');
        return stored;
      },
    });
    // Crash before counting: the first `processed` count of every 50th request, and the first
    // API-side `requests` counts (the client sees a 500 and retries with the same request id).
    const wrapCounters = (counters: CounterStore): CounterStore => ({
      read: (id) => counters.read(id),
      add: async (id, deltas, key) => {
        if (key && crash.countsBeforeCrash.delete(key)) throw new SimulatedCrash(`crash before counting ${key}`);
        if (key?.startsWith('requests:') && crash.apiCountsLeft > 0 && rng() < 0.01) {
          crash.apiCountsLeft--;
          throw new SimulatedCrash('API crash after enqueue, before counting');
        }
        return counters.add(id, deltas, key);
      },
    });
    const world = bookingWorld({ wrapStore, wrapCounters });
    const trip = await call(world.routes, 'POST /api/trips', {
      as: 'operator',
      body: {
        tripId: DEFAULT_TRIP,
        route: 'Seoul → Busan',
        departsAt: world.clock.now() + 86_400_000,
        capacity: CAPACITY,
        maxSeatsPerBooking: 4,
      },
    });
    expect(trip.status).toBe(201);

    const requests = Array.from({ length: REQUESTS }, (_, i) => ({
      requestId: `r-${i}`,
      passengerId: `p-${i}`,
      seats: 1 + Math.floor(rng() * 4),
    }));
    for (const r of requests)
      if (Number(r.requestId.slice(2)) % 50 === 0) crash.countsBeforeCrash.add(`processed:${r.requestId}`);
    const duplicates = Array.from({ length: REQUESTS / 10 }, () => requests[Math.floor(rng() * REQUESTS)]!);
    const posts = [...requests, ...duplicates].sort(() => rng() - 0.5);

    // A client retries until accepted, with the same request id, as the 202/503/500 contract asks.
    const post = async (r: (typeof requests)[number]) => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const res = await call(world.routes, 'POST /api/trips/{tripId}/bookings', {
          path: { tripId: DEFAULT_TRIP },
          body: r,
          as: r.passengerId,
        });
        if (res.status === 202) return res.body as { requestId: string; status: string };
      }
      throw new Error(`request ${r.requestId} never accepted`);
    };
    // The consumer runs while requests pour in; every 150th invocation dies after doing its work.
    let apiDone = false;
    const consumer = async (event: Parameters<typeof world.consumer>[0]) => {
      const response = await world.consumer(event);
      if (++crash.invocations % 150 === 0) throw new SimulatedCrash('consumer invocation timed out after processing');
      return response;
    };
    const consume = async () => {
      for (;;) {
        const n = await pollOnce(world.queue, consumer);
        if (n === 10) continue;
        const next = n === 0 ? world.queue.nextVisibleAt() : null;
        if (next !== null)
          world.clock.set(next); // only in-flight or delayed messages left: wait out their timeout
        else if (n === 0 && apiDone) return;
        else await new Promise((resolve) => setImmediate(resolve)); // let requests arrive, like a batching window
      }
    };

    const started = performance.now();
    const consuming = consume();
    const answers = await Promise.all(posts.map(post));
    const acceptedMs = performance.now() - started;
    apiDone = true;
    await consuming;
    const processedMs = performance.now() - started;

    expect(answers.every((a) => a.status === 'QUEUED')).toBe(true);
    expect(new Set(answers.map((a) => a.requestId)).size).toBe(REQUESTS);

    // Late client retries after the 5-minute FIFO dedup window: they reach the consumer again.
    world.clock.advance(6 * 60_000);
    await Promise.all(Array.from({ length: 500 }, () => post(requests[Math.floor(rng() * REQUESTS)]!)));
    apiDone = true;
    await consume();
    await world.stats.flush();

    // Exactly the capacity is sold, no seat twice, one outcome per request id.
    const { events } = await world.store.read(tripStreamId(DEFAULT_TRIP));
    const decoded = events.map((e) => tripCodec.decode(e)) as TripEvent[];
    const outcomes = new Map<string, number>();
    const seats: number[] = [];
    let confirmedRequests = 0;
    for (const e of decoded) {
      if (e.type === 'BookingConfirmed') {
        seats.push(...e.data.seatNumbers);
        confirmedRequests++;
      }
      if (e.type === 'BookingConfirmed' || e.type === 'BookingRejected')
        outcomes.set(e.data.requestId, (outcomes.get(e.data.requestId) ?? 0) + 1);
    }
    expect(seats.length).toBe(CAPACITY);
    expect(new Set(seats).size).toBe(CAPACITY);
    expect(Math.min(...seats)).toBe(1);
    expect(Math.max(...seats)).toBe(CAPACITY);
    expect(outcomes.size).toBe(REQUESTS);
    expect([...outcomes.values()].every((n) => n === 1)).toBe(true);

    // Stats converge: requests = processed, success = confirmed, in total and for the trip.
    const stats = await call(world.routes, 'GET /api/stats');
    expect(stats.body).toMatchObject({ requests: REQUESTS, processed: REQUESTS, success: confirmedRequests });
    expect(stats.body?.trips).toEqual([
      expect.objectContaining({
        tripId: DEFAULT_TRIP,
        requests: REQUESTS,
        processed: REQUESTS,
        success: confirmedRequests,
      }),
    ]);
    const published = JSON.parse((await world.blobs.get('public/stats.json')) ?? '{}');
    expect(published).toMatchObject({ requests: REQUESTS, processed: REQUESTS, success: confirmedRequests });

    // Every request answers its one outcome. (Sequential: the first read warms the handler's
    // cache and the rest catch up from it; 10,000 concurrent cold loads would each fold the stream.)
    const statuses = [];
    for (const r of requests)
      statuses.push(
        await call(world.routes, 'GET /api/bookings/{requestId}', {
          path: { requestId: r.requestId },
          as: r.passengerId,
        }),
      );
    const confirmed = statuses.filter((s) => s.body?.status === 'CONFIRMED');
    expect(
      statuses.every((s) => s.status === 200 && (s.body?.status === 'CONFIRMED' || s.body?.status === 'REJECTED')),
    ).toBe(true);
    expect(confirmed.length).toBe(confirmedRequests);

    // The crashes really happened, none left a record in the DLQ, and nothing else went wrong.
    expect(crash.appends).toBeGreaterThan(REQUESTS);
    expect(crash.countsBeforeCrash.size).toBe(0);
    expect(crash.invocations).toBeGreaterThan(150);
    expect(world.unexpected.length).toBeGreaterThan(0);
    expect(world.unexpected.every((e) => e instanceof SimulatedCrash)).toBe(true);
    expect(world.dlq.counts().total).toBe(0);

    console.info(
      `[booking] ${posts.length.toLocaleString('en')} POSTs (${REQUESTS.toLocaleString('en')} ids) accepted in ${Math.round(acceptedMs)} ms, ` +
        `all processed in ${Math.round(processedMs)} ms; ${confirmedRequests} requests confirmed ${CAPACITY} seats, ` +
        `${crash.invocations} consumer invocations, ${crash.appends} trip appends`,
    );
  });
});
