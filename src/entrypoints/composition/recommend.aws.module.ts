import { ContainerModule } from 'inversify';
import { createKinesisClient } from '../../adapters/aws-shared/aws-clients.js';
import { KinesisRecommendationRequestPublisher } from '../../adapters/kinesis/recommendation-request-publisher-adapter-kinesis.js';
import { InMemoryRecommendationCache } from '../../adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { InMemoryRecommendationModelStore } from '../../adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { RedisRecommendationCache } from '../../adapters/redis/recommendation-cache-adapter-redis.js';
import { RedisRecommendationModelStore } from '../../adapters/redis/recommendation-model-store-adapter-redis.js';
import { createRedisClient } from '../../adapters/redis/redis-client.js';
import type { RecommendationMetrics } from '../../application/ports/recommendation-metrics.port.js';
import type { RecommendationRequestPublisher } from '../../application/ports/recommendation-request-publisher.port.js';
import type { HandlerLogger } from '../handlers/sqs-record-body.js';
import { PowertoolsRecommendationMetrics } from '../observability/recommendation-metrics-powertools.js';
import { numberOr, resource } from './feature-config.js';
import { sharedClient, type FeatureLambdaContext } from './feature-lambda.container.js';
import { isStreamNamed, RECOMMEND_TOKENS, recommendModule } from './recommend.module.js';
import { TOKENS } from './tokens.js';

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

export interface RecommendAwsOptions {
  readonly config: RecommendStorageConfig & { readonly FEED_STREAM_NAME: string };
  readonly logger: Pick<HandlerLogger, 'warn'>;
  /** Powertools EMF in Lambda (flushed by the entry after each invocation). */
  readonly metrics: RecommendationMetrics;
  /** The Kinesis request publisher, for functions that serve `POST /recommend/requests` (http-api). */
  readonly publisher?: RecommendationRequestPublisher;
}

/** Every port the recommendation module needs, as an AWS function binds them. */
export const recommendAwsModules = (options: RecommendAwsOptions): ContainerModule[] => [
  recommendStorageModule(options.config, options.logger),
  new ContainerModule(({ bind }) => {
    bind(RECOMMEND_TOKENS.Metrics).toConstantValue(options.metrics);
    bind(RECOMMEND_TOKENS.Settings).toConstantValue({ isFeedStream: isStreamNamed(options.config.FEED_STREAM_NAME), liveChannelsTtlMs: 1_000 });
    if (options.publisher) bind(RECOMMEND_TOKENS.RequestPublisher).toConstantValue(options.publisher);
  }),
];

/**
 * The recommendation routes of `http-api` in AWS: the consumer's storage (Redis at REDIS_URL),
 * Powertools EMF metrics (bound as RECOMMEND_TOKENS.Metrics; the entry flushes them after each
 * invocation) and `POST /recommend/requests` onto the Kinesis request stream.
 */
export const recommendHttpAwsModules = (context: FeatureLambdaContext): ContainerModule[] => {
  const { config, clientSettings, logger } = context;
  const str = (key: string): string | undefined => (typeof config[key] === 'string' && config[key] !== '' ? (config[key] as string) : undefined);
  const metrics = new PowertoolsRecommendationMetrics({
    namespace: str('POWERTOOLS_METRICS_NAMESPACE') ?? 'Stampede',
    serviceName: str('POWERTOOLS_SERVICE_NAME') ?? 'stampede',
  });
  const storage = { REDIS_URL: str('REDIS_URL'), RECOMMEND_CACHE_TTL_SECONDS: numberOr(config, 'RECOMMEND_CACHE_TTL_SECONDS', 3600) };
  return [
    ...recommendAwsModules({ config: { ...storage, FEED_STREAM_NAME: str('FEED_STREAM_NAME') ?? '' }, logger, metrics }),
    new ContainerModule(({ bind }) => {
      bind(RECOMMEND_TOKENS.RequestPublisher)
        .toDynamicValue(
          (ctx) =>
            new KinesisRecommendationRequestPublisher(
              sharedClient('kinesis', clientSettings, () => createKinesisClient(clientSettings)),
              resource(config, 'RECOMMEND_STREAM_NAME', 'the recommendation request publisher'),
              { sleeper: ctx.get(TOKENS.Sleeper) },
            ),
        )
        .inSingletonScope();
    }),
    recommendModule,
  ];
};
