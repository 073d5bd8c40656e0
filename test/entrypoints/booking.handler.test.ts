import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { tripStreamId } from '../../src/domain/booking/index.js';
import { bookingWorld, DEFAULT_TRIP, T0 } from './booking-world.js';
import { call } from './http-test-events.js';
import { pollOnce } from './sqs-test-driver.js';
import { ParkedMessage } from '../../src/application/queues/parked-message.js';

const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} } as unknown as ScheduledEvent;

describe('booking handler', () => {
  it('publishes stats.json after a batch, holds back within a second, and a scheduled invocation flushes the rest', async () => {
    const world = bookingWorld();
    await call(world.routes, 'POST /api/trips', {
      body: { tripId: DEFAULT_TRIP, route: 'r', departsAt: T0 + 86_400_000, capacity: 5, maxSeatsPerBooking: 1 },
      as: 'operator',
    });
    const book = (i: number) =>
      call(world.routes, 'POST /api/trips/{tripId}/bookings', {
        path: { tripId: DEFAULT_TRIP },
        body: { seats: 1 },
        as: `p-${i}`,
      });
    const published = async () =>
      JSON.parse((await world.blobs.get('public/stats.json')) ?? 'null') as { processed: number } | null;

    await book(1);
    await pollOnce(world.queue, world.consumer);
    expect((await published())?.processed).toBe(1);

    world.clock.advance(200);
    await book(2);
    await pollOnce(world.queue, world.consumer);
    expect((await published())?.processed).toBe(1); // throttled: at most one write a second

    expect(await world.consumer(scheduled)).toEqual({ batchItemFailures: [] });
    expect((await published())?.processed).toBe(2);
  });

  const twoTrips = async (world: ReturnType<typeof bookingWorld>) => {
    for (const tripId of ['t-a', 't-b']) {
      await call(world.routes, 'POST /api/trips', {
        body: { tripId, route: 'r', departsAt: T0 + 86_400_000, capacity: 5, maxSeatsPerBooking: 1 },
        as: 'operator',
      });
    }
  };
  const passengers: Record<string, string> = { 'a-1': 'kim', 'a-2': 'park', 'b-1': 'lee' };
  const statusIn = (world: ReturnType<typeof bookingWorld>) => async (id: string) =>
    (
      await call(world.routes, 'GET /api/bookings/{requestId}', {
        path: { requestId: id },
        as: passengers[id] ?? 'nobody',
      })
    ).body?.status;
  const bookAs = (world: ReturnType<typeof bookingWorld>, tripId: string, requestId: string) =>
    call(world.routes, 'POST /api/trips/{tripId}/bookings', {
      path: { tripId },
      body: { seats: 1, requestId },
      as: passengers[requestId] ?? 'nobody',
    });

  it('keeps a trip in order after a failure: its later records come back unprocessed, other trips go on', async () => {
    // The trip's event store fails once (e.g. DynamoDB throttling outlasting the retries).
    let failTripA = false;
    const world = bookingWorld({
      wrapStore: (store) => ({
        read: (streamId, after) => store.read(streamId, after),
        append: (streamId, expected, events) => {
          if (failTripA && streamId === tripStreamId('t-a')) {
            failTripA = false;
            return Promise.reject(new Error('DynamoDB unavailable'));
          }
          return store.append(streamId, expected, events);
        },
      }),
    });
    await twoTrips(world);
    for (const [tripId, requestId] of [
      ['t-a', 'a-1'],
      ['t-a', 'a-2'],
      ['t-b', 'b-1'],
    ] as const)
      await bookAs(world, tripId, requestId);
    failTripA = true;
    await pollOnce(world.queue, world.consumer);
    const status = statusIn(world);
    expect(await status('a-1')).toBe('QUEUED'); // failed
    expect(await status('a-2')).toBe('QUEUED'); // behind it in its trip: returned unprocessed
    expect(await status('b-1')).toBe('CONFIRMED');
  });

  it('parks an unreadable record at once with its reasons: nothing of its trip is left waiting behind it', async () => {
    const world = bookingWorld();
    await twoTrips(world);
    world.queue.sendRaw('{"requestId":"x","tripId":"t-a","seats":99}', { groupId: 't-a', dedupId: 'poison' });
    await bookAs(world, 't-a', 'a-1');
    await pollOnce(world.queue, world.consumer);
    expect(await statusIn(world)('a-1')).toBe('CONFIRMED');
    expect(world.queue.counts().total).toBe(0); // deleted, not failed: FIFO holds nothing of t-a
    const [parked] = world.parking.receive(10);
    const envelope = ParkedMessage.parse(parked?.body);
    expect(envelope).toMatchObject({
      kind: 'booking',
      groupId: 't-a',
      body: '{"requestId":"x","tripId":"t-a","seats":99}',
    });
    expect(envelope.reasons.join('; ')).toMatch(/passengerId.*; seats/);
  });

  it('parks a request the trip refuses whatever the retries (no such trip), while a fault still holds it (previous test)', async () => {
    const world = bookingWorld();
    world.queue.sendRaw(
      JSON.stringify({ requestId: 'r-1', tripId: 'ghost', passengerId: 'kim', seats: 1, requestedAt: 0 }),
      { groupId: 'ghost', dedupId: 'r-1' },
    );
    await pollOnce(world.queue, world.consumer);
    expect(world.queue.counts().total).toBe(0);
    expect(ParkedMessage.parse(world.parking.receive(10)[0]?.body).reasons).toEqual([
      expect.stringMatching(/^TRIP_NOT_FOUND/),
    ]);
  });

  it('fails an unreadable record alone when it cannot be parked (the parking queue refuses): the rest of its trip goes on', async () => {
    const world = bookingWorld({ parkingFails: true });
    await twoTrips(world);
    world.queue.sendRaw('poison', { groupId: 't-a', dedupId: 'poison' });
    await bookAs(world, 't-a', 'a-1');
    await pollOnce(world.queue, world.consumer);
    expect(await statusIn(world)('a-1')).toBe('CONFIRMED');
    expect(world.queue.counts().total).toBe(1); // only the poison record is left: parked on a later receive, or the DLQ
  });
});
