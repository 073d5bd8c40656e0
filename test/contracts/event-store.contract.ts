import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AppendRejectedError,
  ConcurrencyError,
  type EventStore,
} from '../../src/application/ports/event-store.port.js';
import type { NewEvent } from '../../src/domain/shared/envelope.js';

export interface EventStoreContractOptions {
  /** Builds a store over fresh storage; `pageSize` asks the adapter to read in small pages. */
  readonly makeStore: (options?: { pageSize?: number }) => EventStore | Promise<EventStore>;
  /** fast-check runs of the model property. */
  readonly propertyRuns?: number;
  /**
   * Whether a single-event append with an expected version beyond the head is refused (default
   * true). The DynamoDB adapter writes a single event with one conditional put and leaves that
   * caller bug to the command handler and to `read`'s gap check (docs/ARCHITECTURE.md); the
   * in-memory twin refuses it so that a misuse fails in tests.
   */
  readonly refusesSingleAppendBeyondHead?: boolean;
}

let counter = 0;
const streamName = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;

const event = (n: number, extra: Partial<NewEvent> = {}): NewEvent => ({
  eventId: `e-${n}-${Math.random().toString(36).slice(2, 8)}`,
  type: 'ThingHappened',
  schemaVersion: 1,
  occurredAt: 1_700_000_000_000 + n,
  data: { n, nested: { list: [1, 'two', { three: 3 }], flag: true }, note: `event ${n}` },
  ...extra,
});

const events = (count: number, from = 1) => Array.from({ length: count }, (_, i) => event(from + i));

/**
 * What every EventStore must do (G1): versions 1, 2, 3… without gaps, optimistic concurrency on
 * the expected version, atomic multi-event appends of at most 100 events, reads in version order;
 * and one answer, on every adapter, to an append no retry can fix (a malformed envelope, an
 * expected version that is not an integer ≥ 0): AppendRejectedError, nothing written.
 */
export const eventStoreContract = (label: string, options: EventStoreContractOptions): void => {
  describe(`EventStore contract: ${label}`, () => {
    it('reads an unknown stream as empty at version 0', async () => {
      const store = await options.makeStore();
      expect(await store.read(streamName('empty'))).toEqual({ version: 0, events: [] });
    });

    it('appends as versions 1, 2, 3… and reads back every field in order', async () => {
      const store = await options.makeStore();
      const id = streamName('order');
      const first = event(1, { correlationId: 'corr-1', causationId: 'cause-1', channelId: 'ch-1' });
      const stored = await store.append(id, 0, [first]);
      expect(stored).toEqual([{ ...first, streamId: id, version: 1 }]);
      await store.append(id, 1, events(3, 2));
      const slice = await store.read(id);
      expect(slice.version).toBe(4);
      expect(slice.events.map((e) => e.version)).toEqual([1, 2, 3, 4]);
      expect(slice.events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4]);
      expect(slice.events[0]).toEqual({ ...first, streamId: id, version: 1 });
      expect(slice.events[1]).not.toHaveProperty('channelId');
    });

    it('reads only the events after a version, reporting the head', async () => {
      const store = await options.makeStore();
      const id = streamName('after');
      await store.append(id, 0, events(5));
      const tail = await store.read(id, 3);
      expect(tail.version).toBe(5);
      expect(tail.events.map((e) => e.version)).toEqual([4, 5]);
      expect(await store.read(id, 5)).toEqual({ version: 5, events: [] });
    });

    it('refuses a stale expected version with ConcurrencyError and writes nothing', async () => {
      const store = await options.makeStore();
      const id = streamName('stale');
      await store.append(id, 0, events(2));
      for (const stale of [0, 1]) {
        const error = await store.append(id, stale, events(3, 10)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ streamId: id, expectedVersion: stale });
      }
      expect((await store.read(id)).events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2]);
    });

    it('refuses an expected version beyond the head (it would leave a gap)', async () => {
      const store = await options.makeStore();
      const id = streamName('gap');
      if (options.refusesSingleAppendBeyondHead ?? true)
        await expect(store.append(id, 3, events(1))).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(id, 3, events(2))).rejects.toBeInstanceOf(ConcurrencyError);
      await store.append(id, 0, events(2));
      await expect(store.append(id, 5, events(2))).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await store.read(id)).version).toBe(2);
    });

    it('lets exactly one of many concurrent appenders to one version win', async () => {
      const store = await options.makeStore();
      const id = streamName('race');
      await store.append(id, 0, events(1));
      for (const size of [1, 3]) {
        const head = (await store.read(id)).version;
        const attempts = Array.from({ length: 8 }, (_, i) => store.append(id, head, events(size, 100 * (i + 1))));
        const outcomes = await Promise.allSettled(attempts);
        const winners = outcomes.filter((o) => o.status === 'fulfilled');
        const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(winners).toHaveLength(1);
        expect(losers.every((o) => o.reason instanceof ConcurrencyError)).toBe(true);
        const slice = await store.read(id);
        expect(slice.version).toBe(head + size);
        expect(slice.events.map((e) => e.version)).toEqual(Array.from({ length: head + size }, (_, i) => i + 1));
        const winner = (winners[0] as PromiseFulfilledResult<readonly { eventId: string }[]>).value;
        expect(slice.events.slice(head).map((e) => e.eventId)).toEqual(winner.map((e) => e.eventId));
      }
    });

    it('appends 100 events atomically and refuses 101 with AppendRejectedError, writing nothing', async () => {
      const store = await options.makeStore();
      const id = streamName('limit');
      await expect(store.append(id, 0, events(101))).rejects.toBeInstanceOf(AppendRejectedError);
      expect((await store.read(id)).version).toBe(0);
      await store.append(id, 0, events(100));
      // At a non-zero expected version the 100 events still fit (the gap guard must not crowd them out).
      await store.append(id, 100, events(100, 101));
      await expect(store.append(id, 200, events(101, 201))).rejects.toBeInstanceOf(AppendRejectedError);
      await expect(store.append(id, 150, events(100, 201))).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(id, 201, events(100, 201))).rejects.toBeInstanceOf(ConcurrencyError);
      const slice = await store.read(id);
      expect(slice.version).toBe(200);
      expect(slice.events.map((e) => (e.data as { n: number }).n)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
    });

    it('refuses an expected version that is not an integer ≥ 0 with AppendRejectedError (not a race: no retry helps), writing nothing', async () => {
      const store = await options.makeStore();
      const id = streamName('bad-expected');
      for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, -0.5]) {
        const error = await store.append(id, bad, events(1)).catch((e: unknown) => e);
        expect(error, `expectedVersion ${bad}`).toBeInstanceOf(AppendRejectedError);
        expect(error).not.toBeInstanceOf(ConcurrencyError);
        // Refused before anything else is looked at, even an empty append.
        await expect(store.append(id, bad, [])).rejects.toBeInstanceOf(AppendRejectedError);
      }
      await store.append(id, 0, events(1));
      await expect(store.append(id, 1.5, events(1, 2))).rejects.toBeInstanceOf(AppendRejectedError);
      expect((await store.read(id)).events.map((e) => e.version)).toEqual([1]);
    });

    it('refuses a malformed envelope with AppendRejectedError naming the field, and writes none of its batch', async () => {
      const store = await options.makeStore();
      const id = streamName('malformed');
      const malformed: readonly [string, Record<string, unknown>][] = [
        ['eventId', { eventId: '' }],
        ['type', { type: '' }],
        ['schemaVersion', { schemaVersion: 0 }],
        ['schemaVersion', { schemaVersion: 1.5 }],
        ['occurredAt', { occurredAt: -1 }],
        ['occurredAt', { occurredAt: 'yesterday' }],
        ['correlationId', { correlationId: 42 }],
        ['channelId', { channelId: { id: 'c1' } }],
      ];
      for (const [field, bad] of malformed) {
        const batch = [event(1), { ...event(2), ...bad } as NewEvent, event(3)];
        const error = await store.append(id, 0, batch).catch((e: unknown) => e);
        expect(error, field).toBeInstanceOf(AppendRejectedError);
        expect((error as Error).message).toContain(field);
      }
      expect(await store.read(id)).toEqual({ version: 0, events: [] });
      // A later well-formed append finds the stream untouched, at version 0.
      await store.append(id, 0, events(2));
      await expect(store.append(id, 2, [{ ...event(3), eventId: '' }])).rejects.toBeInstanceOf(AppendRejectedError);
      expect((await store.read(id)).version).toBe(2);
    });

    it('reads a stream longer than one page, in order', async () => {
      const store = await options.makeStore({ pageSize: 7 });
      const id = streamName('paging');
      await store.append(id, 0, events(60));
      await store.append(id, 60, events(40, 61));
      const slice = await store.read(id);
      expect(slice.version).toBe(100);
      expect(slice.events.map((e) => e.version)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect((await store.read(id, 93)).events.map((e) => e.version)).toEqual([94, 95, 96, 97, 98, 99, 100]);
    });

    it('keeps streams apart', async () => {
      const store = await options.makeStore();
      const [a, b] = [streamName('a'), streamName('b')];
      await store.append(a, 0, events(2));
      await store.append(b, 0, events(1, 50));
      expect((await store.read(a)).version).toBe(2);
      expect((await store.read(b)).events.map((e) => (e.data as { n: number }).n)).toEqual([50]);
    });

    it('behaves like a list with a version check, for any sequence of appends (model property)', async () => {
      const store = await options.makeStore();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ offset: fc.integer({ min: -2, max: 2 }), size: fc.integer({ min: 1, max: 4 }) }), {
            minLength: 1,
            maxLength: 6,
          }),
          async (appends) => {
            const id = streamName('model');
            const model: number[] = [];
            let n = 0;
            for (const { offset, size } of appends) {
              // Without the single-event head guard, an append beyond the head is a caller bug the
              // store does not see; the model stays with what a caller may do.
              const beyond = size === 1 && !(options.refusesSingleAppendBeyondHead ?? true);
              const expected = Math.max(0, model.length + (beyond ? Math.min(0, offset) : offset));
              const batch = events(size, n + 1);
              n += size;
              const outcome = await store.append(id, expected, batch).then(
                () => 'ok' as const,
                (error: unknown) => error,
              );
              if (expected === model.length) {
                expect(outcome).toBe('ok');
                model.push(...batch.map((e) => (e.data as { n: number }).n));
              } else {
                expect(outcome).toBeInstanceOf(ConcurrencyError);
              }
            }
            const slice = await store.read(id);
            expect(slice.version).toBe(model.length);
            expect(slice.events.map((e) => (e.data as { n: number }).n)).toEqual(model);
          },
        ),
        { numRuns: options.propertyRuns ?? 200 },
      );
    });
  });
};

/**
 * The argument for single-event appends as one conditional put (docs/ARCHITECTURE.md), as a
 * property: whatever the interleaving of handlers that each append the version they read + 1,
 * the stream holds versions 1…n without a gap, and exactly the appends that reported success.
 */
export const eventStoreConcurrencyContract = (label: string, options: EventStoreContractOptions): void => {
  describe(`EventStore concurrency: ${label}`, () => {
    it('leaves no gap and loses no acknowledged append, for any interleaving of read-then-append writers', async () => {
      const store = await options.makeStore();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 4 }), {
            minLength: 2,
            maxLength: 5,
          }),
          fc.scheduler(),
          async (writers, scheduler) => {
            const id = streamName('interleave');
            const acknowledged: string[] = [];
            let n = 0;
            const writer = async (sizes: readonly number[]) => {
              for (const size of sizes) {
                const batch = events(size, n + 1);
                n += size;
                for (;;) {
                  const { version } = await scheduler.schedule(store.read(id));
                  const outcome = await scheduler.schedule(
                    store.append(id, version, batch).then(
                      () => 'ok' as const,
                      (error: unknown) => error,
                    ),
                  );
                  if (outcome === 'ok') {
                    acknowledged.push(...batch.map((e) => e.eventId));
                    break;
                  }
                  expect(outcome).toBeInstanceOf(ConcurrencyError);
                }
              }
            };
            const done = Promise.all(writers.map(writer));
            await scheduler.waitFor(done);
            const slice = await store.read(id);
            expect(slice.events.map((e) => e.version)).toEqual(Array.from({ length: slice.version }, (_, i) => i + 1));
            expect([...slice.events.map((e) => e.eventId)].sort()).toEqual([...acknowledged].sort());
          },
        ),
        { numRuns: Math.max(10, Math.floor((options.propertyRuns ?? 200) / 5)) },
      );
    });
  });
};
