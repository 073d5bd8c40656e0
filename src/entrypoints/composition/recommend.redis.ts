import { RedisRecommendationCache } from '../../adapters/redis/recommendation-cache-adapter-redis.js';
import { RedisRecommendationModelStore } from '../../adapters/redis/recommendation-model-store-adapter-redis.js';
import { createRedisClient } from '../../adapters/redis/redis-client.js';
import type {
  RecommendationCache,
  UnreadableValueListener,
} from '../../application/ports/recommendation-cache.port.js';
import type { RecommendationModelStore } from '../../application/ports/recommendation-model-store.port.js';

/**
 * The recommender's Redis stores on one client. Imported dynamically by recommend.aws.module.ts,
 * so that ioredis and these adapters are a chunk of their own in the Lambda bundles, loaded by
 * the first request that reads or writes a recommendation (see that module for why).
 */
export const createRedisRecommendationStores = (opts: {
  readonly url: string;
  readonly cacheTtlSeconds: number;
  readonly onUnreadable: UnreadableValueListener;
  readonly onConnectionError: (error: Error) => void;
}): { readonly cache: RecommendationCache; readonly modelStore: RecommendationModelStore } => {
  const client = createRedisClient(opts.url);
  // ioredis reconnects by itself; an unhandled 'error' event would crash the instance instead.
  client.on('error', opts.onConnectionError);
  return {
    cache: new RedisRecommendationCache(client, { ttlSeconds: opts.cacheTtlSeconds, onUnreadable: opts.onUnreadable }),
    modelStore: new RedisRecommendationModelStore(client, { onUnreadable: opts.onUnreadable }),
  };
};
