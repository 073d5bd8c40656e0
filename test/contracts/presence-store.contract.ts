import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PresenceBeat, PresenceStore } from '../../src/application/ports/presence-store.port.js';

export interface PresenceStoreContractOptions {
  /** A store over fresh storage; `now` stamps tombstones of sessions never seen; `pageSize` asks for small count pages. */
  readonly makeStore: (options: { now: () => number; pageSize?: number }) => PresenceStore | Promise<PresenceStore>;
  readonly propertyRuns?: number;
}

const TTL = 15_000;
/**
 * Times are offsets from now: a DynamoDB table with TTL enabled really deletes items whose TTL
 * attribute is in the past (DynamoDB Local too), so beats stamped in 1970 would vanish mid-test.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000;
let n = 0;
const channel = (label: string) => `${label}-${Date.now().toString(36)}-${++n}`;
const beat = (
  channelId: string,
  sessionId: string,
  sequence: number,
  at: number,
  userId: string | null = null,
): PresenceBeat => ({
  channelId,
  sessionId,
  userId,
  sequence,
  at: T0 + at,
  expiresAt: T0 + at + TTL,
});

/**
 * What every PresenceStore must do (G5): a session counts while its newest accepted beat is
 * within the TTL; duplicated or out-of-order beats never change the count; an ended session
 * stays ended against late beats.
 */
export const presenceStoreContract = (label: string, options: PresenceStoreContractOptions): void => {
  const make = (pageSize?: number) =>
    options.makeStore({ now: () => T0 + 1_000_000, ...(pageSize ? { pageSize } : {}) });

  describe(`PresenceStore contract: ${label}`, () => {
    it('accepts a newer beat and refuses a duplicate or an older one', async () => {
      const store = await make();
      const ch = channel('seq');
      expect(await store.record(beat(ch, 's1', 1, 1_000))).toBe(true);
      expect(await store.record(beat(ch, 's1', 1, 1_000))).toBe(false);
      expect(await store.record(beat(ch, 's1', 3, 11_000))).toBe(true);
      expect(await store.record(beat(ch, 's1', 2, 6_000))).toBe(false);
      // The stored beat is #3: the session still counts after #2's expiry, until #3's.
      expect(await store.count(ch, T0 + 6_000 + TTL + 1)).toBe(1);
      expect(await store.count(ch, T0 + 11_000 + TTL + 1)).toBe(0);
    });

    it('counts sessions whose beat expires at or after now (TTL lag ignored)', async () => {
      const store = await make();
      const ch = channel('ttl');
      await store.record(beat(ch, 'a', 1, 0));
      await store.record(beat(ch, 'b', 1, 5_000, 'user-b'));
      await store.record(beat(ch, 'c', 1, 10_000));
      expect(await store.count(ch, T0 + 0)).toBe(3);
      expect(await store.count(ch, T0 + TTL)).toBe(3); // a expires exactly now: still counted
      expect(await store.count(ch, T0 + TTL + 1)).toBe(2);
      expect(await store.count(ch, T0 + 10_000 + TTL + 1)).toBe(0);
      expect(await store.count(channel('nobody'), T0 + 0)).toBe(0);
    });

    it('ends a session at once and ignores later beats up to its sequence, not newer ones', async () => {
      const store = await make();
      const ch = channel('end');
      await store.record(beat(ch, 's1', 4, 1_000));
      await store.record(beat(ch, 's2', 1, 1_000));
      await store.end(ch, 's1', 5);
      expect(await store.count(ch, T0 + 2_000)).toBe(1);
      expect(await store.record(beat(ch, 's1', 5, 3_000))).toBe(false);
      expect(await store.count(ch, T0 + 3_000)).toBe(1);
      expect(await store.record(beat(ch, 's1', 6, 4_000))).toBe(true);
      expect(await store.count(ch, T0 + 4_000)).toBe(2);
    });

    it('ignores an end older than the stored beat, and shields a never-seen session from its late beats', async () => {
      const store = await make();
      const ch = channel('late-end');
      await store.record(beat(ch, 's1', 7, 1_000));
      await store.end(ch, 's1', 6);
      expect(await store.count(ch, T0 + 1_000)).toBe(1);
      await store.end(ch, 'ghost', 3);
      expect(await store.record(beat(ch, 'ghost', 2, 1_000))).toBe(false);
      expect(await store.count(ch, T0 + 1_000)).toBe(1);
    });

    it('keeps channels apart and counts past one page', async () => {
      const store = await make(7);
      const [a, b] = [channel('a'), channel('b')];
      await Promise.all(Array.from({ length: 40 }, (_, i) => store.record(beat(a, `s${i}`, 1, i < 30 ? 10_000 : 0))));
      await store.record(beat(b, 's0', 1, 10_000));
      expect(await store.count(a, T0 + 20_000)).toBe(30);
      expect(await store.count(a, T0 + 0)).toBe(40);
      expect(await store.count(b, T0 + 20_000)).toBe(1);
    });

    it('never flickers: any order or duplication of beats gives the count of the newest beats (property)', async () => {
      const store = await make();
      await fc.assert(
        fc.asyncProperty(
          // Each session sends beats 1..k every 5 s; the queue duplicates and reorders them.
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((beatsPerSession) => {
            const beats = beatsPerSession.flatMap((k, s) => Array.from({ length: k }, (_, i) => ({ s, seq: i + 1 })));
            return fc.tuple(
              fc.constant(beatsPerSession),
              fc.shuffledSubarray([...beats, ...beats], { minLength: beats.length * 2 }),
              fc.integer({ min: 0, max: 40_000 }),
            );
          }),
          async ([beatsPerSession, delivered, now]) => {
            const ch = channel('prop');
            for (const { s, seq } of delivered) await store.record(beat(ch, `s${s}`, seq, seq * 5_000));
            // Expected: a session counts iff its newest beat (k·5 s + TTL) has not expired.
            const expected = beatsPerSession.filter((k) => k * 5_000 + TTL >= now).length;
            expect(await store.count(ch, T0 + now)).toBe(expected);
          },
        ),
        { numRuns: options.propertyRuns ?? 200 },
      );
    });
  });
};
