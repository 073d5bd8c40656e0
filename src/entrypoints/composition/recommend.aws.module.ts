import { ContainerModule } from 'inversify';
import { InMemoryRecommendationCache } from '../../adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { InMemoryRecommendationModelStore } from '../../adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { RedisRecommendationCache } from '../../adapters/redis/recommendation-cache-adapter-redis.js';
import { RedisRecommendationModelStore } from '../../adapters/redis/recommendation-model-store-adapter-redis.js';
import { createRedisClient } from '../../adapters/redis/redis-client.js';
import type { HandlerLogger } from '../handlers/sqs-record-body.js';
import { RECOMMEND_TOKENS } from './recommend.module.js';

export interface RecommendStorageConfig {
  readonly REDIS_URL?: string | undefined;
  readonly RECOMMEND_CACHE_TTL_SECONDS: number;
}

/**
 * Where the recommender keeps its cache and read model in AWS: Redis / Valkey at REDIS_URL,
 * shared by every instance of `recommend-consumer` and `http-api`. Without REDIS_URL (the
 * stack's `redisUrl` left unset) both fall back to per-instance memory, which only suits a
 * demo: each instance sees the feed batches it processed itself, and the HTTP API none. That
 * is logged loudly at cold start.
 */
export const recommendStorageModule = (config: RecommendStorageConfig, logger: Pick<HandlerLogger, 'warn'>): ContainerModule =>
  new ContainerModule(({ bind }) => {
    const onUnreadable = (key: string, reason: string) =>
      logger.warn('unreadable value in the recommendation store, treated as absent (it is overwritten on the next write)', { key, reason });
    if (config.REDIS_URL === undefined) {
      logger.warn(
        'REDIS_URL is not set: the recommendation cache and read model are per-instance memory, so answers differ between instances and the HTTP API sees no feed; set the stack context redisUrl for production',
      );
      bind(RECOMMEND_TOKENS.Cache).toConstantValue(new InMemoryRecommendationCache({ ttlSeconds: config.RECOMMEND_CACHE_TTL_SECONDS, onUnreadable }));
      bind(RECOMMEND_TOKENS.ModelStore).toConstantValue(new InMemoryRecommendationModelStore());
      return;
    }
    const client = createRedisClient(config.REDIS_URL);
    // ioredis reconnects by itself; an unhandled 'error' event would crash the instance instead.
    client.on('error', (error: Error) => logger.warn('Redis connection error; ioredis reconnects', { reason: error.message }));
    bind(RECOMMEND_TOKENS.Cache).toConstantValue(new RedisRecommendationCache(client, { ttlSeconds: config.RECOMMEND_CACHE_TTL_SECONDS, onUnreadable }));
    bind(RECOMMEND_TOKENS.ModelStore).toConstantValue(new RedisRecommendationModelStore(client, { onUnreadable }));
  });
