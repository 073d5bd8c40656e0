import { createKinesisClient } from '../../adapters/aws-shared/aws-clients.js';
import { InMemoryRecommendationCache } from '../../adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { InMemoryRecommendationModelStore } from '../../adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { KinesisRecommendationRequestPublisher } from '../../adapters/kinesis/recommendation-request-publisher-adapter-kinesis.js';
import { RedisRecommendationCache } from '../../adapters/redis/recommendation-cache-adapter-redis.js';
import { RedisRecommendationModelStore } from '../../adapters/redis/recommendation-model-store-adapter-redis.js';
import { createRedisClient, type RedisClient } from '../../adapters/redis/redis-client.js';
import { PowertoolsRecommendationMetrics } from '../observability/recommendation-metrics-powertools.js';
import { sharedClient, type AwsClientSettings } from './aws-target.js';
import { isStreamNamed, RECOMMEND_TOKENS } from './recommend.module.js';
import { setting, TOKENS, type Binding, type Get } from './tokens.js';

/** Which Kinesis batches are the live feed's (the consumer reads both streams); functions that consume none pass nothing. */
export const recommendSettings = (feedStreamName?: string): Binding =>
  setting(RECOMMEND_TOKENS.Settings, {
    isFeedStream: feedStreamName ? isStreamNamed(feedStreamName) : () => false,
    liveChannelsTtlMs: 1_000,
  });

/**
 * Where the recommender keeps its cache and read model in AWS: Redis / Valkey at REDIS_URL,
 * shared by every instance of `recommend-consumer` and `http-api`. Without REDIS_URL (the
 * stack's `redisUrl` left unset) both fall back to per-instance memory, which only suits a
 * demo: each instance sees the feed batches it processed itself, and the HTTP API none. That
 * is logged loudly at cold start.
 */
export const recommendStorageOnRedis =
  (redisUrl: string | undefined, cacheTtlSeconds: number): Binding =>
  (bind) => {
    const onUnreadable = (get: Get) => (key: string, reason: string) =>
      get(TOKENS.Logger).warn(
        'unreadable value in the recommendation store, treated as absent (it is overwritten on the next write)',
        { key, reason },
      );
    if (redisUrl === undefined) {
      bind(RECOMMEND_TOKENS.Cache, (get) => {
        get(TOKENS.Logger).warn(
          'REDIS_URL is not set: the recommendation cache and read model are per-instance memory, so answers differ between instances and the HTTP API sees no feed; set the stack context redisUrl for production',
        );
        return new InMemoryRecommendationCache({ ttlSeconds: cacheTtlSeconds, onUnreadable: onUnreadable(get) });
      });
      bind(RECOMMEND_TOKENS.ModelStore, () => new InMemoryRecommendationModelStore());
      return;
    }
    let client: RedisClient | undefined;
    const redis = (get: Get): RedisClient => {
      if (client) return client;
      client = createRedisClient(redisUrl);
      // ioredis reconnects by itself; an unhandled 'error' event would crash the instance instead.
      client.on('error', (error: Error) =>
        get(TOKENS.Logger).warn('Redis connection error; ioredis reconnects', { reason: error.message }),
      );
      return client;
    };
    bind(
      RECOMMEND_TOKENS.Cache,
      (get) =>
        new RedisRecommendationCache(redis(get), { ttlSeconds: cacheTtlSeconds, onUnreadable: onUnreadable(get) }),
    );
    bind(
      RECOMMEND_TOKENS.ModelStore,
      (get) => new RedisRecommendationModelStore(redis(get), { onUnreadable: onUnreadable(get) }),
    );
  };

/** Powertools EMF metrics; the entry flushes them after each invocation. */
export const recommendMetricsOnPowertools =
  (namespace: string, serviceName: string): Binding =>
  (bind) =>
    bind(RECOMMEND_TOKENS.Metrics, () => new PowertoolsRecommendationMetrics({ namespace, serviceName }));

/** `POST /recommend/requests` onto the Kinesis request stream (http-api). */
export const recommendRequestsOnKinesis =
  (s: AwsClientSettings, streamName: string): Binding =>
  (bind) =>
    bind(
      RECOMMEND_TOKENS.RequestPublisher,
      (get) =>
        new KinesisRecommendationRequestPublisher(
          sharedClient('kinesis', s, () => createKinesisClient(s)),
          streamName,
          { sleeper: get(TOKENS.Sleeper) },
        ),
    );
