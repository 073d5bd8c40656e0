import { ParkedMessage } from '../../src/application/queues/parked-message.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { tripStreamId } from '../../src/domain/booking/index.js';
import { TRIP_CATALOGUE } from '../../src/application/booking/booking-counters.js';
import { bookingWorld, DEFAULT_TRIP, T0 } from './booking-world.js';
import { call } from './http-test-events.js';
import { drain } from './sqs-test-driver.js';

const BOOK = 'POST /api/trips/{tripId}/bookings';

describe('booking bad input (G7): clear errors, no crash, no state', () => {
  let world: ReturnType<typeof bookingWorld>;
  const snapshot = async () => ({
    stream: (await world.store.read(tripStreamId(DEFAULT_TRIP))).version,
    queue: world.queue.counts().total,
    stats: await world.getBookingStats(),
  });

  beforeEach(async () => {
    world = bookingWorld();
    const trip = {
      tripId: DEFAULT_TRIP,
      route: 'Seoul → Busan',
      departsAt: T0 + 86_400_000,
      capacity: 10,
      maxSeatsPerBooking: 4,
    };
    expect((await call(world.routes, 'POST /api/trips', { body: trip, as: 'operator' })).status).toBe(201);
  });

  it.each([
    ['a body that is not JSON', { rawBody: '{"passengerId": "kim", ' }, 'body'],
    ['no body at all', {}, 'body'],
    ['a passengerId with spaces', { body: { passengerId: 'kim jong', seats: 1 } }, 'passengerId'],
    ['seats as a string', { body: { passengerId: 'kim', seats: 'two' } }, 'seats'],
    ['zero seats', { body: { passengerId: 'kim', seats: 0 } }, 'seats'],
    ['fractional seats', { body: { passengerId: 'kim', seats: 1.5 } }, 'seats'],
    ['more seats than any request may hold', { body: { passengerId: 'kim', seats: 21 } }, 'seats'],
    ['more seats than this trip allows per booking', { body: { passengerId: 'kim', seats: 5 } }, 'seats'],
    ['a malformed requestId', { body: { passengerId: 'kim', seats: 1, requestId: 'r/1' } }, 'requestId'],
  ])('answers %s with 400 naming the field', async (_, options, field) => {
    const before = await snapshot();
    const res = await call(world.routes, BOOK, { path: { tripId: DEFAULT_TRIP }, as: 'kim', ...options });
    expect(res.status).toBe(400);
    expect(res.body?.error.field).toBe(field);
    expect(res.body?.error.message).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it('answers an unknown trip with 404 naming it, and a malformed trip id with 400', async () => {
    const before = await snapshot();
    const unknown = await call(world.routes, BOOK, { path: { tripId: 'no-such-trip' }, body: { seats: 1 }, as: 'kim' });
    expect(unknown.status).toBe(404);
    expect(unknown.body?.error).toMatchObject({ code: 'TRIP_NOT_FOUND', field: 'tripId' });
    expect(unknown.body?.error.message).toContain('no-such-trip');
    const malformed = await call(world.routes, BOOK, { path: { tripId: 'a b' }, body: { seats: 1 }, as: 'kim' });
    expect(malformed.status).toBe(400);
    expect(malformed.body?.error.field).toBe('tripId');
    expect(await snapshot()).toEqual(before);
    expect(await world.counters.read(TRIP_CATALOGUE)).toEqual({ [DEFAULT_TRIP]: 1 });
  });

  it('refuses a request id reused for another booking with 409, keeping the first', async () => {
    const first = await call(world.routes, BOOK, {
      path: { tripId: DEFAULT_TRIP },
      body: { seats: 1, requestId: 'r-1' },
      as: 'kim',
    });
    expect(first.status).toBe(202);
    const before = await snapshot();
    const reused = await call(world.routes, BOOK, {
      path: { tripId: DEFAULT_TRIP },
      body: { seats: 2, requestId: 'r-1' },
      as: 'lee',
    });
    expect(reused.status).toBe(409);
    expect(reused.body?.error).toMatchObject({ code: 'REQUEST_ID_REUSED', field: 'requestId' });
    expect(await snapshot()).toEqual(before);
  });

  it('answers bad lookups and cancellations clearly', async () => {
    expect(
      (await call(world.routes, 'GET /api/bookings/{requestId}', { path: { requestId: 'nope' }, as: 'kim' })).status,
    ).toBe(404);
    expect((await call(world.routes, 'GET /api/trips/{tripId}', { path: { tripId: 'nope' } })).status).toBe(404);
    await call(world.routes, BOOK, { path: { tripId: DEFAULT_TRIP }, body: { seats: 1, requestId: 'r-1' }, as: 'kim' });
    const queued = await call(world.routes, 'DELETE /api/bookings/{requestId}', {
      path: { requestId: 'r-1' },
      as: 'kim',
    });
    expect(queued.status).toBe(409);
    expect(queued.body?.error.code).toBe('BOOKING_STILL_QUEUED');
    await drain(world.queue, world.consumer);
    const noToken = await call(world.routes, 'DELETE /api/bookings/{requestId}', { path: { requestId: 'r-1' } });
    expect(noToken.status).toBe(401);
    expect(noToken.body?.error.code).toBe('UNAUTHENTICATED');
    // A query parameter naming the passenger is no identity.
    const stranger = await call(world.routes, 'DELETE /api/bookings/{requestId}', {
      path: { requestId: 'r-1' },
      query: { passengerId: 'kim' },
      as: 'lee',
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body?.error.code).toBe('FORBIDDEN');
    expect(
      (await call(world.routes, 'GET /api/bookings/{requestId}', { path: { requestId: 'r-1' }, as: 'lee' })).status,
    ).toBe(403);
    expect(
      (await call(world.routes, 'GET /api/bookings/{requestId}', { path: { requestId: 'r-1' }, as: 'kim' })).body
        ?.status,
    ).toBe('CONFIRMED');
  });

  it('refuses a trip with impossible terms, naming the field', async () => {
    const res = await call(world.routes, 'POST /api/trips', {
      body: { tripId: 't-2', route: 'x', departsAt: T0, capacity: 0, maxSeatsPerBooking: 1 },
      as: 'operator',
    });
    expect(res.status).toBe(400);
    expect(res.body?.error.field).toBe('capacity');
    expect((await world.store.read(tripStreamId('t-2'))).version).toBe(0);
  });

  it('parks poison queue records at once, with the field that is wrong, while valid requests of other trips go through', async () => {
    const other = {
      tripId: 'other-trip',
      route: 'Seoul → Daegu',
      departsAt: T0 + 86_400_000,
      capacity: 5,
      maxSeatsPerBooking: 2,
    };
    await call(world.routes, 'POST /api/trips', { body: other, as: 'operator' });
    world.queue.sendRaw('this is not JSON', { groupId: 'poison', dedupId: 'p-1' });
    world.queue.sendRaw(
      JSON.stringify({ requestId: 'r-x', tripId: DEFAULT_TRIP, passengerId: 'kim', seats: 99, requestedAt: T0 }),
      { groupId: 'poison', dedupId: 'p-2' },
    );
    await call(world.routes, BOOK, {
      path: { tripId: 'other-trip' },
      body: { seats: 2, requestId: 'good-1' },
      as: 'kim',
    });

    await drain(world.queue, world.consumer);

    expect(
      (await call(world.routes, 'GET /api/bookings/{requestId}', { path: { requestId: 'good-1' }, as: 'kim' })).body
        ?.status,
    ).toBe('CONFIRMED');
    expect(world.queue.counts().total).toBe(0);
    expect(world.dlq.counts().total).toBe(0);
    const parked = world.parking.receive(10).map((m) => ParkedMessage.parse(m.body));
    expect(parked.map((p) => [p.body, p.reasons])).toEqual(
      expect.arrayContaining([
        ['this is not JSON', ['body is not JSON']],
        [expect.stringContaining('"seats":99'), ['seats: Too big: expected number to be <=20']],
      ]),
    );
    expect((await world.store.read(tripStreamId(DEFAULT_TRIP))).version).toBe(1); // only TripScheduled
    expect(await world.getBookingStats()).toMatchObject({ requests: 1, processed: 1, success: 1 });
  });
});
