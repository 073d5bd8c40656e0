import { createKinesisClient } from '../../adapters/aws-shared/aws-clients.js';
import { InMemoryRecommendationCache } from '../../adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { InMemoryRecommendationModelStore } from '../../adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { KinesisRecommendationRequestPublisher } from '../../adapters/kinesis/recommendation-request-publisher-adapter-kinesis.js';
import type { RecommendationCache } from '../../application/ports/recommendation-cache.port.js';
import type { RecommendationModelStore } from '../../application/ports/recommendation-model-store.port.js';
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
    // ioredis and the Redis adapters are ~200 KiB of minified bundle: imported on first use, so
    // a cold start of http-api that serves no recommendation does not parse them (the bundle
    // holds them as a chunk of their own; see scripts/build/bundle.ts). Both ports are async,
    // so the first call awaits the import and every call delegates; one client serves both.
    type Stores = { readonly cache: RecommendationCache; readonly modelStore: RecommendationModelStore };
    let stores: Promise<Stores> | undefined;
    const redis = (get: Get): Promise<Stores> =>
      (stores ??= import('./recommend.redis.js').then((m) =>
        m.createRedisRecommendationStores({
          url: redisUrl,
          cacheTtlSeconds,
          onUnreadable: onUnreadable(get),
          onConnectionError: (error) =>
            get(TOKENS.Logger).warn('Redis connection error; ioredis reconnects', { reason: error.message }),
        }),
      ));
    bind(RECOMMEND_TOKENS.Cache, (get): RecommendationCache => ({
      get: async (userId, topN) => (await redis(get)).cache.get(userId, topN),
      put: async (entry) => (await redis(get)).cache.put(entry),
    }));
    bind(RECOMMEND_TOKENS.ModelStore, (get): RecommendationModelStore => ({
      channels: async (ids) => (await redis(get)).modelStore.channels(ids),
      liveChannels: async () => (await redis(get)).modelStore.liveChannels(),
      saveChannel: async (doc, revision) => (await redis(get)).modelStore.saveChannel(doc, revision),
      taste: async (userId) => (await redis(get)).modelStore.taste(userId),
      saveTaste: async (doc, revision) => (await redis(get)).modelStore.saveTaste(doc, revision),
    }));
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
