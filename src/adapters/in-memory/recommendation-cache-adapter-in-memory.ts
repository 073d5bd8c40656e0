import { LRUCache } from 'lru-cache';
import type { Clock } from '../../application/ports/clock.port.js';
import {
  recommendationCacheKey,
  type RecommendationCache,
  type UnreadableValueListener,
} from '../../application/ports/recommendation-cache.port.js';
import {
  CachedRecommendations,
  decodeCachedRecommendations,
} from '../../domain/recommendation/cached-recommendations.js';

export interface InMemoryRecommendationCacheOptions {
  /** Default 3600 s, as the seed's Redis TTL. */
  readonly ttlSeconds?: number;
  /**
   * Entries kept before the least recently used is evicted (Redis `allkeys-lru` stand-in).
   * lru-cache allocates its index for `max` up front (~30 ms at 100,000), hence a modest default.
   */
  readonly maxEntries?: number;
  /** Time source for TTLs; a fake clock makes expiry testable without waiting. */
  readonly clock?: Clock;
  readonly onUnreadable?: UnreadableValueListener;
}

/**
 * The in-process twin of the Redis cache: LRU with a TTL (lru-cache). Values are kept as JSON
 * text and validated on read, exactly like the Redis adapter, so a caller can never mutate a
 * cached answer and both adapters pass the same contract suite.
 */
export class InMemoryRecommendationCache implements RecommendationCache {
  private readonly entries: LRUCache<string, string>;
  private readonly onUnreadable: UnreadableValueListener;

  constructor(options: InMemoryRecommendationCacheOptions = {}) {
    const clock = options.clock;
    this.entries = new LRUCache<string, string>({
      max: options.maxEntries ?? 10_000,
      ttl: (options.ttlSeconds ?? 3600) * 1000,
      // lru-cache reads time from `perf.now()`; the fake clock moves only when a test says so.
      ...(clock ? { perf: { now: () => clock.now() }, ttlResolution: 0 } : {}),
    });
    this.onUnreadable = options.onUnreadable ?? (() => undefined);
  }

  async get(userId: string, topN: number): Promise<CachedRecommendations | null> {
    const key = recommendationCacheKey(userId, topN);
    const raw = this.entries.get(key);
    if (raw === undefined) return null;
    const decoded = decodeCachedRecommendations(raw, userId, topN);
    if ('value' in decoded) return decoded.value;
    this.onUnreadable(key, decoded.unreadable);
    return null;
  }

  async put(entry: CachedRecommendations): Promise<void> {
    this.entries.set(
      recommendationCacheKey(entry.userId, entry.topN),
      JSON.stringify(CachedRecommendations.parse(entry)),
    );
  }

  /** Stores raw text under a key, as a foreign or broken writer could (tests of unreadable values). */
  writeRaw(key: string, raw: string): void {
    this.entries.set(key, raw);
  }

  get size(): number {
    return this.entries.size;
  }
}
