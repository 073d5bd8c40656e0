import { describe, expect, it, vi } from 'vitest';
import { CommandHandler, ConflictError, type RetryPolicy } from '../../src/application/command-handler.js';
import { AppendRejectedError, ConcurrencyError } from '../../src/application/ports/event-store.port.js';
import { tripCodec, tripDecider, type TripCommand } from '../../src/domain/booking/index.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import type { RequestId, TripId, UserId } from '../../src/domain/shared/ids.js';
import { handlerDeps, RecordingStore } from './command-handler.fixtures.js';

const STREAM = 'trip-t1';
const schedule: TripCommand = {
  type: 'ScheduleTrip',
  tripId: 't1' as TripId,
  route: 'Seoul → Busan',
  departsAt: 10_000_000,
  capacity: 40,
  maxSeatsPerBooking: 4,
};
const book = (n: number, seats = 1): TripCommand => ({
  type: 'RequestBooking',
  requestId: `r${n}` as RequestId,
  passengerId: `p${n}` as UserId,
  seats,
  at: 2_000,
});
const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 50 };

const setup = (options: { retry?: RetryPolicy; random?: () => number } = {}) => {
  const store = new RecordingStore();
  const deps = handlerDeps(store, { random: options.random });
  const onConflict = vi.fn<(streamId: string, attempt: number) => void>();
  const handler = new CommandHandler(tripDecider, tripCodec, { ...deps, retry: options.retry ?? policy, onConflict });
  /** Another instance of the service, writing to the same store. */
  const rival = new CommandHandler(tripDecider, tripCodec, handlerDeps(store.inner));
  return { store, handler, rival, onConflict, sleeps: deps.sleeper.sleeps, clock: deps.clock };
};

/** Makes the next `times` appends lose the race to a rival that books one seat first. */
const loseRaces = (s: ReturnType<typeof setup>, times: number) => {
  let lost = 0;
  s.store.beforeAppend = async () => {
    if (lost >= times) return;
    lost++;
    await s.rival.handle(STREAM, book(100 + lost));
  };
};

/** Makes every append fail with a conflict, without changing the stream. */
const alwaysConflict = (s: ReturnType<typeof setup>) => {
  s.store.beforeAppend = async (streamId, expectedVersion) => {
    throw new ConcurrencyError(streamId, expectedVersion);
  };
};

describe('CommandHandler', () => {
  it('loads, decides and appends; the stored events carry versions, ids and the clock time', async () => {
    const s = setup();
    await s.handler.handle(STREAM, schedule);
    const result = await s.handler.handle(STREAM, book(1, 2), { correlationId: 'corr-1', causationId: 'cause-1' });
    expect(result.version).toBe(2);
    expect(result.events).toEqual([
      { type: 'BookingConfirmed', data: { requestId: 'r1', passengerId: 'p1', seatNumbers: [1, 2], at: 2_000 } },
    ]);
    expect(result.stored).toMatchObject([
      {
        streamId: STREAM,
        version: 2,
        type: 'BookingConfirmed',
        schemaVersion: 1,
        occurredAt: 1_000,
        correlationId: 'corr-1',
        causationId: 'cause-1',
      },
    ]);
    expect(result.stored[0]?.eventId).toBeTruthy();
  });

  it('a command already reflected in state appends nothing', async () => {
    const s = setup();
    await s.handler.handle(STREAM, schedule);
    await s.handler.handle(STREAM, book(1));
    const appendsBefore = s.store.appends.length;
    const again = await s.handler.handle(STREAM, book(1));
    expect(again).toMatchObject({ version: 2, events: [], stored: [] });
    expect(s.store.appends.length).toBe(appendsBefore);
  });

  it('retries a lost race, deciding again on the winner’s events', async () => {
    const s = setup();
    await s.handler.handle(STREAM, schedule);
    loseRaces(s, 2);
    const result = await s.handler.handle(STREAM, book(1));
    // Two rivals took seats 1 and 2 first; the retried decision gives seat 3.
    expect(result.events).toEqual([
      expect.objectContaining({ type: 'BookingConfirmed', data: expect.objectContaining({ seatNumbers: [3] }) }),
    ]);
    expect(result.version).toBe(4);
    expect(s.onConflict.mock.calls).toEqual([
      [STREAM, 1],
      [STREAM, 2],
    ]);
    expect(s.sleeps).toHaveLength(2);
  });

  it('backs off with full jitter under an exponential cap: each sleep is random × min(maxDelay, base × 2^(attempt−1))', async () => {
    const draws = [0.99, 0.5, 0, 0.99];
    const s = setup({ random: () => draws.shift() ?? 0.5 });
    await s.handler.handle(STREAM, schedule);
    alwaysConflict(s);
    await expect(s.handler.handle(STREAM, book(1))).rejects.toBeInstanceOf(ConflictError);
    // caps 10, 20, 40, 50 (bounded by maxDelayMs); no sleep after the last attempt
    expect(s.sleeps).toEqual([Math.floor(0.99 * 10), Math.floor(0.5 * 20), 0, Math.floor(0.99 * 50)]);
    expect(s.clock.now()).toBe(1_000 + s.sleeps.reduce((a, b) => a + b, 0));
  });

  it('with the fake clock’s seeded random, sleeps stay under their caps and vary', async () => {
    const retry = { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 200 };
    const s = setup({ retry });
    await s.handler.handle(STREAM, schedule);
    alwaysConflict(s);
    await expect(s.handler.handle(STREAM, book(1))).rejects.toBeInstanceOf(ConflictError);
    expect(s.sleeps).toHaveLength(retry.maxAttempts - 1);
    s.sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** i));
    });
    expect(new Set(s.sleeps).size).toBeGreaterThan(1);
  });

  it('gives up with a ConflictError after maxAttempts, naming the stream and carrying the last conflict', async () => {
    const s = setup();
    await s.handler.handle(STREAM, schedule);
    alwaysConflict(s);
    const error = await s.handler.handle(STREAM, book(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      name: 'ConflictError',
      code: 'CONFLICT',
      streamId: STREAM,
      attempts: policy.maxAttempts,
    });
    expect((error as ConflictError).cause).toBeInstanceOf(ConcurrencyError);
    expect(s.store.appends.filter((a) => a.count > 0 && a.expectedVersion === 1)).toHaveLength(policy.maxAttempts);
    expect(s.onConflict.mock.calls.map(([, attempt]) => attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(s.sleeps).toHaveLength(policy.maxAttempts - 1);
  });

  it('does not retry a rule violation: the DomainError reaches the caller and nothing is appended', async () => {
    const s = setup();
    await expect(s.handler.handle(STREAM, book(1))).rejects.toMatchObject({
      name: 'DomainError',
      code: 'TRIP_NOT_FOUND',
    });
    await expect(s.handler.handle(STREAM, book(1))).rejects.toBeInstanceOf(DomainError);
    expect(s.store.appends).toHaveLength(0);
    expect(s.sleeps).toHaveLength(0);
    expect(s.onConflict).not.toHaveBeenCalled();
  });

  it('does not retry a store error other than a conflict', async () => {
    const s = setup();
    await s.handler.handle(STREAM, schedule);
    s.store.beforeAppend = async () => {
      throw new AppendRejectedError('item too large');
    };
    await expect(s.handler.handle(STREAM, book(1))).rejects.toBeInstanceOf(AppendRejectedError);
    expect(s.store.appends).toHaveLength(2);
    expect(s.sleeps).toHaveLength(0);
    expect(s.onConflict).not.toHaveBeenCalled();
  });

  it('catches a cached stream up by reading only the events appended since', async () => {
    const s = setup();
    await s.handler.handle(STREAM, schedule);
    await s.handler.handle(STREAM, book(1)); // cached at version 2
    for (let n = 2; n <= 4; n++) await s.rival.handle(STREAM, book(n)); // versions 3–5, unseen by the handler
    s.store.reads.length = 0;
    const result = await s.handler.handle(STREAM, book(5));
    expect(s.store.reads[0]).toEqual({ streamId: STREAM, afterVersion: 2, returned: 3 });
    expect(result.events[0]).toMatchObject({ data: { seatNumbers: [5] } });
    s.store.reads.length = 0;
    await s.handler.load(STREAM);
    expect(s.store.reads).toEqual([{ streamId: STREAM, afterVersion: 6, returned: 0 }]);
  });

  it('after a lost race, catches up from its cached version instead of replaying the stream', async () => {
    const s = setup();
    await s.handler.handle(STREAM, schedule);
    for (let n = 1; n <= 5; n++) await s.handler.handle(STREAM, book(n)); // cached at version 6
    loseRaces(s, 1);
    s.store.reads.length = 0;
    await s.handler.handle(STREAM, book(6));
    // The first try decided on the cache (no read); the retry read only the rival's event.
    expect(s.store.reads).toEqual([{ streamId: STREAM, afterVersion: 6, returned: 1 }]);
  });

  it('decides on a current cache without reading the store, and on a fresh read when the cache yields nothing', async () => {
    const s = setup();
    await s.handler.handle(STREAM, schedule);
    await s.handler.handle(STREAM, book(1)); // cached at version 2
    s.store.reads.length = 0;
    const result = await s.handler.handle(STREAM, book(2));
    expect(s.store.reads).toEqual([]);
    expect(result.version).toBe(3);
    // A rival appends unseen: the append at the cached version fails, and the retry reads only
    // the event it missed.
    await s.rival.handle(STREAM, book(3));
    const after = await s.handler.handle(STREAM, book(4));
    expect(after.version).toBe(5);
    expect(s.store.reads).toEqual([{ streamId: STREAM, afterVersion: 3, returned: 1 }]);
  });

  it('evicts the least recently used stream beyond its cache limit', async () => {
    const store = new RecordingStore();
    const handler = new CommandHandler(tripDecider, tripCodec, handlerDeps(store), 2);
    for (const trip of ['trip-a', 'trip-b', 'trip-c']) await handler.handle(trip, schedule);
    await handler.load('trip-b'); // b is now the most recent, a the least
    store.reads.length = 0;
    await handler.load('trip-a');
    await handler.load('trip-c');
    expect(store.reads.map((r) => [r.streamId, r.afterVersion])).toEqual([
      ['trip-a', 0],
      ['trip-c', 1],
    ]);
  });
  it('concurrent loads of one stream share a single read (single-flight), later loads read again', async () => {
    const s = setup();
    await s.handler.handle(STREAM, schedule);
    for (let n = 1; n <= 5; n++) await s.rival.handle(STREAM, book(n));
    s.store.reads.length = 0;
    const loads = await Promise.all(Array.from({ length: 50 }, () => s.handler.load(STREAM)));
    expect(s.store.reads).toHaveLength(1);
    expect(new Set(loads.map((l) => l.version))).toEqual(new Set([6]));
    await s.handler.load(STREAM);
    expect(s.store.reads).toHaveLength(2);
  });
});
