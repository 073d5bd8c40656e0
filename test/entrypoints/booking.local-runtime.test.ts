import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/entrypoints/local/runtime.js';
import { api, eventually, startQuietRuntime } from './local-runtime-client.js';

describe('booking in the local runtime (npm start)', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startQuietRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('queues bookings (202), decides them on the trip, and publishes stats.json', async () => {
    const departsAt = Date.now() + 86_400_000;
    const trip = { tripId: 'holiday-express', route: 'Seoul → Gwangju', departsAt, capacity: 3, maxSeatsPerBooking: 2 };
    expect((await api(runtime, 'POST', '/api/trips', trip, { as: 'operator' })).status).toBe(201);
    expect((await api(runtime, 'POST', '/api/trips', trip, { as: 'operator' })).status).toBe(201); // the seed script may run twice

    const first = await api(
      runtime,
      'POST',
      '/api/trips/holiday-express/bookings',
      { seats: 2, requestId: 'req-kim' },
      { as: 'kim' },
    );
    expect(first).toEqual({ status: 202, body: { requestId: 'req-kim', status: 'QUEUED' } });
    const seed = await api(runtime, 'POST', '/api/book-bus', undefined, { as: 'guest-1' }); // the seed's button: no body, default trip, one seat
    expect(seed.status).toBe(202);
    const late = await api(
      runtime,
      'POST',
      '/api/trips/holiday-express/bookings',
      { seats: 2, requestId: 'req-lee' },
      { as: 'lee' },
    );
    expect(late.status).toBe(202);
    await runtime.whenIdle();

    expect((await api(runtime, 'GET', '/api/bookings/req-kim', undefined, { as: 'kim' })).body).toMatchObject({
      status: 'CONFIRMED',
      seatNumbers: [1, 2],
    });
    expect(
      (await api(runtime, 'GET', `/api/bookings/${seed.body?.requestId}`, undefined, { as: 'guest-1' })).body,
    ).toMatchObject({ status: 'CONFIRMED', seatNumbers: [3] });
    expect((await api(runtime, 'GET', '/api/bookings/req-lee', undefined, { as: 'lee' })).body).toMatchObject({
      status: 'REJECTED',
      reason: 'SOLD_OUT',
    });

    const cancelled = await api(runtime, 'DELETE', '/api/bookings/req-kim', undefined, { as: 'kim' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', seatNumbers: [1, 2] });
    expect((await api(runtime, 'GET', '/api/trips/holiday-express')).body).toMatchObject({ freeSeats: 2 });

    const stats = await api(runtime, 'GET', '/api/stats');
    expect(stats.body).toMatchObject({ requests: 3, processed: 3, success: 2, cancelled: 1, successRate: 0.6667 });
    const published = await eventually(
      async () => (await fetch(`${runtime.url}/stats.json`)).json() as Promise<Record<string, unknown>>,
      (s) => s.processed === 3,
    );
    expect(published).toMatchObject({ requests: 3, processed: 3, success: 2 });
  });
});
