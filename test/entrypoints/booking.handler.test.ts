import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { bookingWorld, DEFAULT_TRIP, T0 } from './booking-world.js';
import { call } from './http-test-events.js';
import { pollOnce } from './sqs-test-driver.js';

const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} } as unknown as ScheduledEvent;

describe('booking handler', () => {
  it('publishes stats.json after a batch, holds back within a second, and a scheduled invocation flushes the rest', async () => {
    const world = bookingWorld();
    await call(world.routes, 'POST /api/trips', { body: { tripId: DEFAULT_TRIP, route: 'r', departsAt: T0 + 86_400_000, capacity: 5, maxSeatsPerBooking: 1 }, as: 'operator' });
    const book = (i: number) => call(world.routes, 'POST /api/trips/{tripId}/bookings', { path: { tripId: DEFAULT_TRIP }, body: { seats: 1 }, as: `p-${i}` });
    const published = async () => JSON.parse((await world.blobs.get('public/stats.json')) ?? 'null') as { processed: number } | null;

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

  it('keeps a trip in order after a failure: its later records come back unprocessed, other trips go on', async () => {
    const world = bookingWorld();
    for (const tripId of ['t-a', 't-b']) {
      await call(world.routes, 'POST /api/trips', { body: { tripId, route: 'r', departsAt: T0 + 86_400_000, capacity: 5, maxSeatsPerBooking: 1 }, as: 'operator' });
    }
    world.queue.sendRaw('poison', { groupId: 't-a', dedupId: 'poison' });
    await call(world.routes, 'POST /api/trips/{tripId}/bookings', { path: { tripId: 't-a' }, body: { seats: 1, requestId: 'a-1' }, as: 'kim' });
    await call(world.routes, 'POST /api/trips/{tripId}/bookings', { path: { tripId: 't-b' }, body: { seats: 1, requestId: 'b-1' }, as: 'lee' });
    await pollOnce(world.queue, world.consumer);
    const passengers: Record<string, string> = { 'a-1': 'kim', 'b-1': 'lee' };
    const status = async (id: string) => (await call(world.routes, 'GET /api/bookings/{requestId}', { path: { requestId: id }, as: passengers[id] ?? 'nobody' })).body?.status;
    expect(await status('a-1')).toBe('QUEUED'); // behind the poison message of its trip
    expect(await status('b-1')).toBe('CONFIRMED');
  });
});
