import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countAt,
  type PresenceBucketStore,
  type SessionEntry,
  type SubPartitionCount,
} from '../../src/application/ports/presence-bucket-store.port.js';

export interface PresenceBucketStoreContractOptions {
  readonly makeStore: () => PresenceBucketStore | Promise<PresenceBucketStore>;
  readonly propertyRuns?: number;
}

const T0 = Math.floor(Date.now() / 1000) * 1000;
let n = 0;
const partition = (label: string) => `${label}-${Date.now().toString(36)}-${++n}#${n % 3}`;
const count = (value: number, expiring: Array<[number, number]> = []): SubPartitionCount => ({
  count: value,
  asOf: T0,
  expiring,
  exactUntil: T0 + 5_000,
});
const sessions = (how: number, from = 0): SessionEntry[] =>
  Array.from({ length: how }, (_, i) => ({
    sessionId: `0f1e2d3c-4b5a-4978-8695-${String(from + i).padStart(12, '0')}`,
    sequence: i * 7,
    at: T0 + i * 13,
  }));
const sorted = (list: readonly SessionEntry[]) => [...list].sort((a, b) => a.sessionId.localeCompare(b.sessionId));

/**
 * What every PresenceBucketStore must do: keep a sub-partition's buckets and count item exactly
 * as written, refuse a write whose revision moved (so a stale consumer never overwrites newer
 * beats), and read count items of many partitions at once.
 */
export const presenceBucketStoreContract = (label: string, options: PresenceBucketStoreContractOptions): void => {
  describe(`PresenceBucketStore contract: ${label}`, () => {
    it('an unknown sub-partition loads empty, with no count item', async () => {
      const store = await options.makeStore();
      const p = partition('empty');
      expect(await store.load(p)).toEqual({ buckets: [], countRevision: 0 });
      expect((await store.counts([p])).size).toBe(0);
    });

    it('keeps buckets and the count item as written, and bumps each revision', async () => {
      const store = await options.makeStore();
      const p = partition('round-trip');
      const first = sessions(3);
      expect(
        await store.save(
          p,
          [
            { bucket: 0, expectedRevision: 0, sessions: first },
            { bucket: 1, expectedRevision: 0, sessions: [] },
          ],
          count(3, [[T0 + 1_000, 2]]),
          0,
        ),
      ).toBe('SAVED');
      const loaded = await store.load(p);
      expect(loaded.countRevision).toBe(1);
      expect(loaded.buckets.map((b) => [b.bucket, b.revision, sorted(b.sessions)]).sort()).toEqual([
        [0, 1, sorted(first)],
        [1, 1, []],
      ]);
      const second = sessions(2, 10);
      expect(await store.save(p, [{ bucket: 1, expectedRevision: 1, sessions: second }], count(5), 1)).toBe('SAVED');
      const again = await store.load(p);
      expect(again.countRevision).toBe(2);
      expect(again.buckets.find((b) => b.bucket === 1)).toMatchObject({ revision: 2 });
      expect(sorted(again.buckets.find((b) => b.bucket === 1)!.sessions)).toEqual(sorted(second));
      expect(again.buckets.find((b) => b.bucket === 0)).toMatchObject({ revision: 1 });
    });

    it('refuses a bucket or count write whose revision moved, leaving the newer one', async () => {
      const store = await options.makeStore();
      const p = partition('conflict');
      await store.save(p, [{ bucket: 0, expectedRevision: 0, sessions: sessions(2) }], count(2), 0);
      // A stale writer that read before that save.
      expect(await store.save(p, [{ bucket: 0, expectedRevision: 0, sessions: sessions(1, 50) }], count(1), 0)).toBe(
        'CONFLICT',
      );
      expect(await store.save(p, [], count(9), 0)).toBe('CONFLICT');
      const loaded = await store.load(p);
      expect(sorted(loaded.buckets[0]!.sessions)).toEqual(sorted(sessions(2)));
      expect((await store.counts([p])).get(p)?.count).toBe(2);
    });

    it('reads the count items of many sub-partitions at once, expiry checked by the reader', async () => {
      const store = await options.makeStore();
      const parts = Array.from({ length: 120 }, () => partition('many'));
      for (const [i, p] of parts.slice(0, 110).entries())
        await store.save(
          p,
          [],
          count(i, [
            [T0 + 100, 1],
            [T0 + 2_000, i],
          ]),
          0,
        );
      const items = await store.counts(parts);
      expect(items.size).toBe(110);
      const item = items.get(parts[40]!)!;
      expect(item).toEqual(
        count(40, [
          [T0 + 100, 1],
          [T0 + 2_000, 40],
        ]),
      );
      expect(countAt(item, T0 + 99)).toBe(40);
      expect(countAt(item, T0 + 100)).toBe(39);
      expect(countAt(item, T0 + 2_000)).toBe(-1);
    });

    it('round-trips a full bucket of 3,000 sessions', async () => {
      const store = await options.makeStore();
      const p = partition('full');
      const many = sessions(3_000);
      await store.save(p, [{ bucket: 2, expectedRevision: 0, sessions: many }], count(3_000), 0);
      expect(sorted((await store.load(p)).buckets[0]!.sessions)).toEqual(sorted(many));
    });

    it('property: any sessions round-trip exactly', async () => {
      const store = await options.makeStore();
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(
            fc.record({
              sessionId: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/),
              sequence: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
              at: fc.integer({ min: T0 - 10_000_000, max: T0 + 10_000_000 }),
            }),
            { selector: (s) => s.sessionId, maxLength: 30 },
          ),
          async (list) => {
            const p = partition('prop');
            await store.save(p, [{ bucket: 0, expectedRevision: 0, sessions: list }], count(list.length), 0);
            const loaded = await store.load(p);
            expect(sorted(loaded.buckets[0]!.sessions)).toEqual(sorted(list));
          },
        ),
        { numRuns: options.propertyRuns ?? 100 },
      );
    });
  });
};
