import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRecommendationCache } from '../../src/adapters/redis/recommendation-cache-adapter-redis.js';
import {
  RecommendationCacheError,
  recommendationCacheKey,
} from '../../src/application/ports/recommendation-cache.port.js';
import { Redis } from 'ioredis';
import { startRedisForTests, type RedisForTests } from '../support/redis.js';
import { recommendationCacheContract } from './recommendation-cache.contract.js';

let redis: RedisForTests;
beforeAll(async () => {
  redis = await startRedisForTests();
});
afterAll(async () => {
  await redis?.stop();
});

recommendationCacheContract('Redis (ioredis)', async ({ ttlSeconds }) => {
  const keyPrefix = redis.subPrefix();
  const unreadable: Array<[string, string]> = [];
  const cache = new RedisRecommendationCache(redis.client, {
    ttlSeconds,
    keyPrefix,
    onUnreadable: (key, reason) => unreadable.push([key, reason]),
  });
  return {
    cache,
    unreadable,
    // Redis keeps real time: the contract's TTL is 1 s, so this waits about that long once.
    elapse: (ms) => sleep(ms),
    writeRaw: async (userId, topN, raw) => {
      await redis.client.set(keyPrefix + recommendationCacheKey(userId, topN), raw);
    },
    dispose: async () => undefined,
  };
});

describe('RedisRecommendationCache on the wire', () => {
  it('writes the seed key `rec:user:{userId}:top{n}` with the configured TTL', async () => {
    const keyPrefix = redis.subPrefix();
    const cache = new RedisRecommendationCache(redis.client, { keyPrefix });
    await cache.put({ userId: 'u42', topN: 20, computedAt: 1, recommendations: [] });
    const ttl = await redis.client.ttl(`${keyPrefix}rec:user:u42:top20`);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('reports an unreachable server as RecommendationCacheError', async () => {
    const down = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const cache = new RedisRecommendationCache(down);
    await expect(cache.get('u1', 10)).rejects.toBeInstanceOf(RecommendationCacheError);
    await expect(cache.put({ userId: 'u1', topN: 10, computedAt: 1, recommendations: [] })).rejects.toBeInstanceOf(
      RecommendationCacheError,
    );
    down.disconnect();
  });

  it('rejects a TTL that is not a positive whole number of seconds', () => {
    expect(() => new RedisRecommendationCache(redis.client, { ttlSeconds: 0.5 })).toThrow(/ttlSeconds/);
  });
});
