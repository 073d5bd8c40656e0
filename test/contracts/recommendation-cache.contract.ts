import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecommendationCache } from '../../src/application/ports/recommendation-cache.port.js';
import type { CachedRecommendations } from '../../src/domain/recommendation/cached-recommendations.js';

export interface RecommendationCacheUnderTest {
  readonly cache: RecommendationCache;
  /** Unreadable values the adapter reported, as [key, reason]. */
  readonly unreadable: ReadonlyArray<readonly [string, string]>;
  /** Lets `ms` of cache time pass (a fake clock, or real waiting for a server). */
  elapse(ms: number): Promise<void>;
  /** Writes raw text at the key the adapter uses for (userId, topN), as a broken writer could. */
  writeRaw(userId: string, topN: number, raw: string): Promise<void>;
  dispose(): Promise<void>;
}

/** Every RecommendationCache adapter passes this, so the in-memory twin behaves like Redis. */
export const recommendationCacheContract = (
  adapterName: string,
  make: (options: { ttlSeconds: number }) => Promise<RecommendationCacheUnderTest>,
) =>
  describe(`RecommendationCache contract: ${adapterName}`, () => {
    let subject: RecommendationCacheUnderTest;
    beforeEach(async () => {
      subject = await make({ ttlSeconds: 1 });
    });
    afterEach(async () => {
      await subject.dispose();
    });

    const entry = (userId: string, topN: number, channelIds: string[] = ['c1', 'c2']): CachedRecommendations => ({
      userId,
      topN,
      computedAt: 1_700_000_000_000,
      recommendations: channelIds.map((channelId, i) => ({
        channelId,
        title: i === 0 ? null : `Live ${channelId}`,
        score: 10 - i + 0.125,
        viewers: 100 * (i + 1),
        reason: i === 0 ? 'FOR_YOU' : 'POPULAR',
        productIds: [`${channelId}-p1`],
      })),
    });

    it('misses a key never written', async () => {
      expect(await subject.cache.get('nobody', 10)).toBeNull();
    });

    it('returns what was put, per user and per topN', async () => {
      await subject.cache.put(entry('alice', 10));
      await subject.cache.put(entry('alice', 3, ['c9']));
      await subject.cache.put(entry('bob', 10, []));
      expect(await subject.cache.get('alice', 10)).toEqual(entry('alice', 10));
      expect(await subject.cache.get('alice', 3)).toEqual(entry('alice', 3, ['c9']));
      expect(await subject.cache.get('bob', 10)).toEqual(entry('bob', 10, []));
      expect(await subject.cache.get('alice', 5)).toBeNull();
    });

    it('replaces an older answer for the same key', async () => {
      await subject.cache.put(entry('alice', 10, ['old']));
      await subject.cache.put(entry('alice', 10, ['new']));
      expect((await subject.cache.get('alice', 10))?.recommendations.map((r) => r.channelId)).toEqual(['new']);
    });

    it('hands out copies: changing a returned answer does not change the cache', async () => {
      await subject.cache.put(entry('alice', 10));
      const first = await subject.cache.get('alice', 10);
      (first?.recommendations as unknown[]).length = 0;
      expect(await subject.cache.get('alice', 10)).toEqual(entry('alice', 10));
    });

    it('forgets an answer after the TTL, not before', async () => {
      await subject.cache.put(entry('alice', 10));
      await subject.elapse(400);
      expect(await subject.cache.get('alice', 10)).not.toBeNull();
      await subject.elapse(800);
      expect(await subject.cache.get('alice', 10)).toBeNull();
    });

    it('refuses to store an invalid answer', async () => {
      await expect(subject.cache.put({ ...entry('alice', 10), topN: 0 })).rejects.toThrow();
      expect(await subject.cache.get('alice', 0)).toBeNull();
    });

    it.each([
      ['text that is not JSON', 'not json{'],
      ['JSON of another shape', JSON.stringify({ userId: 'alice', topN: 10, recommendations: 'c1,c2' })],
      ['an answer for another key', JSON.stringify(entry('mallory', 10))],
    ])('reads %s as a miss and reports it', async (_what, raw) => {
      await subject.writeRaw('alice', 10, raw);
      expect(await subject.cache.get('alice', 10)).toBeNull();
      expect(subject.unreadable).toHaveLength(1);
      expect(subject.unreadable[0]?.[0]).toContain('rec:user:alice:top10');
      await subject.cache.put(entry('alice', 10));
      expect(await subject.cache.get('alice', 10)).toEqual(entry('alice', 10));
    });
  });
