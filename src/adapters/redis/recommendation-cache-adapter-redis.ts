import type { RedisClient } from './redis-client.js';
import {
  RecommendationCacheError,
  recommendationCacheKey,
  type RecommendationCache,
  type UnreadableValueListener,
} from '../../application/ports/recommendation-cache.port.js';
import {
  CachedRecommendations,
  decodeCachedRecommendations,
} from '../../domain/recommendation/cached-recommendations.js';

export interface RedisRecommendationCacheOptions {
  /** Default 3600 s (the seed's TTL). */
  readonly ttlSeconds?: number;
  /** Prepended to every key (e.g. a test run's namespace); empty in production. */
  readonly keyPrefix?: string;
  readonly onUnreadable?: UnreadableValueListener;
}

/**
 * The recommendation cache on Redis / Valkey (ElastiCache in AWS): one string per
 * (user, topN) at `rec:user:{userId}:top{n}`, written with `SET … EX ttl`, so eviction is the
 * server's job (TTL, plus `allkeys-lru` under memory pressure). Values are JSON validated on
 * read; an unusable one is a miss (reported through `onUnreadable`) and is overwritten by the
 * next computed answer. Connection and command failures become `RecommendationCacheError`.
 */
export class RedisRecommendationCache implements RecommendationCache {
  private readonly ttlSeconds: number;
  private readonly prefix: string;
  private readonly onUnreadable: UnreadableValueListener;

  constructor(
    private readonly redis: RedisClient,
    options: RedisRecommendationCacheOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 3600;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds <= 0) {
      throw new RangeError(`ttlSeconds must be a positive whole number of seconds, got ${options.ttlSeconds}`);
    }
    this.prefix = options.keyPrefix ?? '';
    this.onUnreadable = options.onUnreadable ?? (() => undefined);
  }

  async get(userId: string, topN: number): Promise<CachedRecommendations | null> {
    const key = this.key(userId, topN);
    let raw: string | null;
    try {
      raw = await this.redis.get(key);
    } catch (error) {
      throw new RecommendationCacheError(`GET ${key} failed: ${(error as Error).message}`, { cause: error });
    }
    if (raw === null) return null;
    const decoded = decodeCachedRecommendations(raw, userId, topN);
    if ('value' in decoded) return decoded.value;
    this.onUnreadable(key, decoded.unreadable);
    return null;
  }

  async put(entry: CachedRecommendations): Promise<void> {
    const key = this.key(entry.userId, entry.topN);
    const value = JSON.stringify(CachedRecommendations.parse(entry));
    try {
      await this.redis.set(key, value, 'EX', this.ttlSeconds);
    } catch (error) {
      throw new RecommendationCacheError(`SET ${key} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  private key(userId: string, topN: number): string {
    return this.prefix + recommendationCacheKey(userId, topN);
  }
}
