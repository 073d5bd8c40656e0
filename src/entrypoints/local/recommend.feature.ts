import { InMemoryRecommendationCache } from '../../adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { InMemoryRecommendationMetrics } from '../../adapters/in-memory/recommendation-metrics-adapter-in-memory.js';
import { InMemoryRecommendationModelStore } from '../../adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { InMemoryRecommendationRequestStream } from '../../adapters/in-memory/recommendation-request-publisher-adapter-in-memory.js';
import { kinesisRecordFormat } from '../../adapters/local/kinesis-record-format.js';
import { LOCAL_TOKENS, localStreamSource, twin } from './local.container.js';
import { RECOMMEND_TOKENS, recommendModule } from '../composition/recommend.module.js';
import { TOKENS, type Binding, type Get, type Token, bindingsModule } from '../composition/tokens.js';
import { Logger } from '@aws-lambda-powertools/logger';
import type { RedisClient } from '../../adapters/redis/redis-client.js';
import { LocalConfigError, type LocalConfig } from './local-config.js';
import type { LocalRuntimeExtension } from './local-extensions.js';

export const LOCAL_RECOMMEND_TOKENS = {
  RequestStream: Symbol.for('stampede.local.RecommendRequestStream') as Token<InMemoryRecommendationRequestStream>,
  Metrics: Symbol.for('stampede.local.RecommendMetrics') as Token<InMemoryRecommendationMetrics>,
} as const;

/** The seed's event source mapping: batches of 100, a 1 s window, 3 retries, bisect on error. */
export const RECOMMEND_MAPPING = {
  batchSize: 100,
  maximumBatchingWindowMs: 1_000,
  maximumRetryAttempts: 3,
  bisectBatchOnFunctionError: true,
} as const;

const REQUEST_SHARDS = 2;

/** host:port only: a URL may carry a password. */
const redisHost = (url: string): string => new URL(url).host;

const unreadable = (get: Get) => (key: string, reason: string) =>
  get(TOKENS.Logger).warn('unreadable value in the recommendation store, treated as absent', { key, reason });

/** The cache and read model in this process's memory. */
const inMemoryStores: Binding = (bind) => {
  bind(
    RECOMMEND_TOKENS.Cache,
    (get) => new InMemoryRecommendationCache({ clock: get(TOKENS.Clock), onUnreadable: unreadable(get) }),
  );
  bind(RECOMMEND_TOKENS.ModelStore, () => new InMemoryRecommendationModelStore());
};

/** The cache and read model in Redis (`keyPrefix`: tests sharing one Redis). */
const redisStores = async (redis: RedisClient, keyPrefix: string): Promise<Binding> => {
  const { RedisRecommendationCache } = await import('../../adapters/redis/recommendation-cache-adapter-redis.js');
  const { RedisRecommendationModelStore } =
    await import('../../adapters/redis/recommendation-model-store-adapter-redis.js');
  return (bind) => {
    bind(
      RECOMMEND_TOKENS.Cache,
      (get) => new RedisRecommendationCache(redis, { keyPrefix, onUnreadable: unreadable(get) }),
    );
    bind(
      RECOMMEND_TOKENS.ModelStore,
      (get) => new RedisRecommendationModelStore(redis, { keyPrefix, onUnreadable: unreadable(get) }),
    );
  };
};

/**
 * The client, once Redis answers PING: a wrong --redis-url fails `npm start` with what to do,
 * not the first request. The emulators start empty on every run, Redis does not: the banner
 * says so when an earlier run's read model is there.
 */
const connectRedis = async (url: string, keyPrefix: string, config: LocalConfig) => {
  const { createRedisClient } = await import('../../adapters/redis/redis-client.js');
  const { RedisRecommendationModelStore } =
    await import('../../adapters/redis/recommendation-model-store-adapter-redis.js');
  const logger = new Logger({ serviceName: 'stampede', logLevel: config.logLevel });
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
  let leftover: boolean;
  try {
    leftover = await new RedisRecommendationModelStore(client, { keyPrefix }).hasChannels();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return {
    client,
    description:
      `cache and read model in Redis at ${redisHost(url)}` +
      (leftover
        ? ' (it still holds a read model from an earlier run, with channels the emulators no longer have: delete its rec:* keys to start fresh)'
        : ''),
    stop: () =>
      client.quit().then(
        () => undefined,
        () => client.disconnect(),
      ),
  };
};

/**
 * F8 in `npm start`: `POST /recommend/requests` → request stream (2 shards, partition key =
 * user) → `recommend-consumer` → cache, and the live feed → the same handler (a second
 * consumer of the feed) → read model; `GET /recommend/cached/{userId}` and
 * `GET /internal/recommend/{userId}` answer from them. In memory: Kinesis twins. On the
 * emulators: the Kinesis publisher and two pollers on kinesalite (the feed with its own
 * iterator, beside `fanout`'s), with the seed's mapping settings; the cache and read model in
 * Redis with `--redis-url`, as in AWS, otherwise in memory.
 */
export const recommendFeature: LocalRuntimeExtension = {
  name: 'recommendations',
  modules: [
    recommendModule,
    bindingsModule(
      twin(LOCAL_RECOMMEND_TOKENS.Metrics, RECOMMEND_TOKENS.Metrics, () => new InMemoryRecommendationMetrics()),
    ),
  ],
  memory: {
    ports: [
      bindingsModule(
        twin(
          LOCAL_RECOMMEND_TOKENS.RequestStream,
          RECOMMEND_TOKENS.RequestPublisher,
          (get) => new InMemoryRecommendationRequestStream({ shardCount: REQUEST_SHARDS, clock: get(TOKENS.Clock) }),
        ),
        inMemoryStores,
        (bind) =>
          bind(RECOMMEND_TOKENS.Settings, (get) => {
            const feedArn = get(LOCAL_TOKENS.FeedStream).arn;
            return { isFeedStream: (arn: string) => arn === feedArn, liveChannelsTtlMs: 1_000 };
          }),
      ),
    ],
    sources(context) {
      const handler = context.container.get(RECOMMEND_TOKENS.Handler);
      return (
        [
          ['recommend-requests', context.container.get(LOCAL_RECOMMEND_TOKENS.RequestStream)],
          ['recommend-feed', context.container.get(LOCAL_TOKENS.FeedStream)],
        ] as const
      ).map(([name, stream]) =>
        localStreamSource(context, stream, kinesisRecordFormat(stream.arn), handler, { name, ...RECOMMEND_MAPPING }),
      );
    },
  },
  async emulators(env) {
    const { names, config } = env;
    await env.stream(names.recommendStream, REQUEST_SHARDS);
    const { recommendRequestsOnKinesis, recommendSettings } = await import('../composition/recommend.aws.module.js');
    const redis =
      config.redisUrl === undefined ? undefined : await connectRedis(config.redisUrl, names.redisKeyPrefix, config);
    // A feature that fails to build closes what it opened; once built, the backend closes it (`stop`).
    const stores = redis
      ? await redisStores(redis.client, names.redisKeyPrefix).catch(async (error: unknown) => {
          await redis.stop();
          throw error;
        })
      : inMemoryStores;
    const ports = bindingsModule(
      recommendRequestsOnKinesis(env.aws, names.recommendStream),
      recommendSettings(names.feedStream),
      stores,
    );
    return {
      ports: [ports],
      sources: (context) => {
        const handler = context.container.get(RECOMMEND_TOKENS.Handler);
        return [
          env.kinesisSource(context, 'recommend-requests', names.recommendStream, handler, RECOMMEND_MAPPING),
          env.kinesisSource(context, 'recommend-feed', names.feedStream, handler, RECOMMEND_MAPPING),
        ];
      },
      description:
        `recommendation request stream ${names.recommendStream}, ` +
        (redis ? redis.description : 'cache and read model in memory (--redis-url for Redis)'),
      ...(redis ? { stop: redis.stop } : {}),
    };
  },
};
