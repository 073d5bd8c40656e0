import { describe, expect, it } from 'vitest';
import type { CounterStore } from '../../src/application/ports/counter-store.port.js';

let n = 0;
const counterName = (label: string) => `${label}-${Date.now().toString(36)}-${++n}`;

/** What every CounterStore must do: atomic adds, each idempotency key counted once per counter set. */
export const counterStoreContract = (label: string, makeStore: () => CounterStore | Promise<CounterStore>): void => {
  describe(`CounterStore contract: ${label}`, () => {
    it('reads an unknown counter set as empty', async () => {
      const store = await makeStore();
      expect(await store.read(counterName('none'))).toEqual({});
    });

    it('adds deltas (negative and fractional too) to several counters at once', async () => {
      const store = await makeStore();
      const id = counterName('stats');
      await store.add(id, { requests: 1, processed: 0 });
      await store.add(id, { requests: 2, success: 1 });
      await store.add(id, { requests: -1, score: 0.5 });
      expect(await store.read(id)).toEqual({ requests: 2, processed: 0, success: 1, score: 0.5 });
    });

    it('counts an idempotency key once per counter set, whatever the redeliveries', async () => {
      const store = await makeStore();
      const [a, b] = [counterName('a'), counterName('b')];
      for (let i = 0; i < 3; i++) await store.add(a, { processed: 1, success: 1 }, 'request-1');
      await store.add(a, { processed: 1 }, 'request-2');
      // The same key on another counter set is a different increment.
      await store.add(b, { processed: 1 }, 'request-1');
      expect(await store.read(a)).toEqual({ processed: 2, success: 1 });
      expect(await store.read(b)).toEqual({ processed: 1 });
    });

    it('loses no increment under concurrency, with and without keys', async () => {
      const store = await makeStore();
      const id = counterName('hot');
      await Promise.all([
        ...Array.from({ length: 20 }, () => store.add(id, { plain: 1 })),
        ...Array.from({ length: 20 }, (_, i) => store.add(id, { keyed: 1 }, `k-${i % 10}`)),
      ]);
      expect(await store.read(id)).toEqual({ plain: 20, keyed: 10 });
    });

    it('counts only the new keys when increments arrive together and some were counted before', async () => {
      const store = await makeStore();
      const id = counterName('mixed');
      await Promise.all(Array.from({ length: 5 }, (_, i) => store.add(id, { requests: 1 }, `seen-${i}`)));
      // A redelivered batch: the 5 seen keys again, 150 new ones (more than one transaction holds),
      // each with two counters, and every new key twice at once.
      await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => store.add(id, { requests: 1, processed: 1 }, `seen-${i}`)),
        ...Array.from({ length: 300 }, (_, i) => store.add(id, { requests: 1, processed: 1 }, `new-${i % 150}`)),
      ]);
      expect(await store.read(id)).toEqual({ requests: 155, processed: 150 });
    });

    it('refuses a delta that is not a finite number, changing nothing', async () => {
      const store = await makeStore();
      const id = counterName('bad');
      await expect(store.add(id, { ok: 1, bad: Number.NaN })).rejects.toThrow(RangeError);
      await expect(store.add(id, { bad: Number.POSITIVE_INFINITY })).rejects.toThrow(RangeError);
      expect(await store.read(id)).toEqual({});
    });
  });
};
