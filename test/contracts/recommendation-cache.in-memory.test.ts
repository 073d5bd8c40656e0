import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryRecommendationCache } from '../../src/adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { recommendationCacheKey } from '../../src/application/ports/recommendation-cache.port.js';
import { recommendationCacheContract } from './recommendation-cache.contract.js';

recommendationCacheContract('in-memory (lru-cache)', async ({ ttlSeconds }) => {
  const clock = new FakeClock(1_000_000);
  const unreadable: Array<[string, string]> = [];
  const cache = new InMemoryRecommendationCache({
    ttlSeconds,
    clock,
    onUnreadable: (key, reason) => unreadable.push([key, reason]),
  });
  return {
    cache,
    unreadable,
    elapse: async (ms) => clock.advance(ms),
    writeRaw: async (userId, topN, raw) => cache.writeRaw(recommendationCacheKey(userId, topN), raw),
    dispose: async () => undefined,
  };
});
