import type { Logger } from '@aws-lambda-powertools/logger';
import { ensureStream } from '../../adapters/kinesis/stream-provisioning.js';
import { KinesisRecommendationRequestPublisher } from '../../adapters/kinesis/recommendation-request-publisher-adapter-kinesis.js';
import { InMemoryRecommendationCache } from '../../adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { InMemoryRecommendationMetrics } from '../../adapters/in-memory/recommendation-metrics-adapter-in-memory.js';
import { InMemoryRecommendationModelStore } from '../../adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { RedisRecommendationCache } from '../../adapters/redis/recommendation-cache-adapter-redis.js';
import { RedisRecommendationModelStore } from '../../adapters/redis/recommendation-model-store-adapter-redis.js';
import { createRedisClient, type RedisClient } from '../../adapters/redis/redis-client.js';
import { isStreamNamed, RECOMMEND_TOKENS, recommendModule } from '../composition/recommend.module.js';
import { TOKENS, bindingsModule, type Get } from '../composition/tokens.js';
import {
  emulatorLogger,
  type EmulatorFeature,
  type EmulatorFeatureOptions,
  kinesisMapping,
} from './emulator-feature-kit.js';
import { LOCAL_RECOMMEND_TOKENS, RECOMMEND_MAPPING } from './recommend.feature.js';
import { LocalConfigError } from './local-config.js';
import type { LocalRuntimeExtension } from './local-extensions.js';

export interface EmulatorRecommendResources {
  readonly recommendStream: string;
  readonly feedStream: string;
  /** Prepended to every Redis key (tests sharing one Redis). */
  readonly redisKeyPrefix: string;
}

const REQUEST_SHARDS = 2;

/** host:port only: a URL may carry a password. */
const redisHost = (url: string): string => new URL(url).host;

/** The client, once Redis answers PING: a wrong --redis-url fails `npm start` with what to do, not the first request. */
const connectRedis = async (url: string, logger: Logger): Promise<RedisClient> => {
  const client = createRedisClient(url);
  // ioredis reconnects by itself; an unhandled 'error' event would stop the process instead.
  const quiet = () => undefined;
  client.on('error', quiet);
  try {
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new LocalConfigError(
      `--redis-url / STAMPEDE_REDIS_URL: Redis at ${redisHost(url)} does not answer (${error instanceof Error ? error.message : String(error)}); start redis-server there, or leave the setting out to keep recommendations in memory`,
    );
  }
  client.off('error', quiet);
  client.on('error', (error: Error) =>
    logger.warn('Redis connection error; ioredis reconnects', { reason: error.message }),
  );
  return client;
};

/**
 * The recommendations feature (F8) of `npm start -- --backend emulators`: `POST /recommend/requests`
 * goes through the Kinesis publisher to a request stream on kinesalite; two pollers stand in for
 * the `recommend-consumer` function's two event source mappings — the request stream and the live
 * feed on kinesalite (its own iterator, beside `fanout`'s) — with the seed's mapping settings. The
 * cache and read model live in Redis when `--redis-url` is set, as in AWS; otherwise in memory.
 */
export const emulatorRecommendFeature = async (
  options: EmulatorFeatureOptions<EmulatorRecommendResources>,
): Promise<EmulatorFeature> => {
  const { clients, names, config } = options;
  await ensureStream(clients.kinesis, names.recommendStream, REQUEST_SHARDS);
  const redis = config.redisUrl === undefined ? undefined : await connectRedis(config.redisUrl, emulatorLogger(config));
  const ports = bindingsModule((bind) => {
    bind(
      RECOMMEND_TOKENS.RequestPublisher,
      (get) =>
        new KinesisRecommendationRequestPublisher(clients.kinesis, names.recommendStream, {
          sleeper: get(TOKENS.Sleeper),
        }),
    );
    bind(LOCAL_RECOMMEND_TOKENS.Metrics, () => new InMemoryRecommendationMetrics());
    bind(RECOMMEND_TOKENS.Metrics, (get) => get(LOCAL_RECOMMEND_TOKENS.Metrics));
    bind(RECOMMEND_TOKENS.Settings, () => ({
      isFeedStream: isStreamNamed(names.feedStream),
      liveChannelsTtlMs: 1_000,
    }));
    const unreadable = (get: Get) => (key: string, reason: string) =>
      get(TOKENS.Logger).warn('unreadable value in the recommendation store, treated as absent', { key, reason });
    if (redis) {
      const keyPrefix = names.redisKeyPrefix;
      bind(
        RECOMMEND_TOKENS.Cache,
        (get) => new RedisRecommendationCache(redis, { keyPrefix, onUnreadable: unreadable(get) }),
      );
      bind(
        RECOMMEND_TOKENS.ModelStore,
        (get) => new RedisRecommendationModelStore(redis, { keyPrefix, onUnreadable: unreadable(get) }),
      );
    } else {
      bind(
        RECOMMEND_TOKENS.Cache,
        (get) => new InMemoryRecommendationCache({ clock: get(TOKENS.Clock), onUnreadable: unreadable(get) }),
      );
      bind(RECOMMEND_TOKENS.ModelStore, () => new InMemoryRecommendationModelStore());
    }
  });
  const feature: LocalRuntimeExtension = {
    name: 'recommendations',
    modules: [ports, recommendModule],
    setup({ container, logger, addEventSource }) {
      const handler = container.get(RECOMMEND_TOKENS.Handler);
      addEventSource(
        kinesisMapping(options, logger, 'recommend-requests', names.recommendStream, handler, RECOMMEND_MAPPING),
      );
      addEventSource(kinesisMapping(options, logger, 'recommend-feed', names.feedStream, handler, RECOMMEND_MAPPING));
    },
  };
  // The emulators start empty on every run, Redis does not: say so when an earlier run's model is there.
  let leftover = false;
  try {
    leftover =
      redis !== undefined &&
      (await new RedisRecommendationModelStore(redis, { keyPrefix: names.redisKeyPrefix }).hasChannels());
  } catch (error) {
    // The backend closes what a feature returns; a feature that fails to build closes its own.
    redis?.disconnect();
    throw error;
  }
  const storage = redis
    ? `cache and read model in Redis at ${redisHost(config.redisUrl ?? '')}` +
      (leftover
        ? ' (it still holds a read model from an earlier run, with channels the emulators no longer have: delete its rec:* keys to start fresh)'
        : '')
    : 'cache and read model in memory (--redis-url for Redis)';
  return {
    feature,
    description: `recommendation request stream ${names.recommendStream}, ${storage}`,
    ...(redis
      ? {
          stop: () =>
            redis.quit().then(
              () => undefined,
              () => redis.disconnect(),
            ),
        }
      : {}),
  };
};
