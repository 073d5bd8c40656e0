import { InMemoryRecommendationCache } from '../../adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { InMemoryRecommendationMetrics } from '../../adapters/in-memory/recommendation-metrics-adapter-in-memory.js';
import { InMemoryRecommendationModelStore } from '../../adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { InMemoryRecommendationRequestStream } from '../../adapters/in-memory/recommendation-request-publisher-adapter-in-memory.js';
import { kinesisRecordFormat } from '../../adapters/local/kinesis-record-format.js';
import { LOCAL_TOKENS, localStreamSource, twin } from './local.container.js';
import { RECOMMEND_TOKENS, recommendModule } from '../composition/recommend.module.js';
import { TOKENS, type Token, bindingsModule } from '../composition/tokens.js';
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

const inMemoryPorts = bindingsModule((bind) => {
  twin(
    LOCAL_RECOMMEND_TOKENS.RequestStream,
    RECOMMEND_TOKENS.RequestPublisher,
    (get) => new InMemoryRecommendationRequestStream({ shardCount: 2, clock: get(TOKENS.Clock) }),
  )(bind);
  twin(LOCAL_RECOMMEND_TOKENS.Metrics, RECOMMEND_TOKENS.Metrics, () => new InMemoryRecommendationMetrics())(bind);
  bind(RECOMMEND_TOKENS.Cache, (get) => {
    const logger = get(TOKENS.Logger);
    return new InMemoryRecommendationCache({
      clock: get(TOKENS.Clock),
      onUnreadable: (key, reason) =>
        logger.warn('unreadable cached recommendation, treated as a miss', { key, reason }),
    });
  });
  bind(RECOMMEND_TOKENS.ModelStore, () => new InMemoryRecommendationModelStore());
  bind(RECOMMEND_TOKENS.Settings, (get) => {
    const feedArn = get(LOCAL_TOKENS.FeedStream).arn;
    return { isFeedStream: (arn: string) => arn === feedArn, liveChannelsTtlMs: 1_000 };
  });
});

/**
 * F8 in `npm start`: `POST /recommend/requests` → request stream (Kinesis twin, 2 shards,
 * partition key = user) → `recommend-consumer` → cache, and the live feed → the same handler
 * (a second consumer of the feed) → read model; `GET /recommend/cached/{userId}` and
 * `GET /internal/recommend/{userId}` answer from them.
 */
export const recommendFeature: LocalRuntimeExtension = {
  name: 'recommendations',
  modules: [inMemoryPorts, recommendModule],
  setup(context) {
    const handler = context.container.get(RECOMMEND_TOKENS.Handler);
    for (const [name, stream] of [
      ['recommend-requests', context.container.get(LOCAL_RECOMMEND_TOKENS.RequestStream)],
      ['recommend-feed', context.container.get(LOCAL_TOKENS.FeedStream)],
    ] as const)
      context.addEventSource(
        localStreamSource(context, stream, kinesisRecordFormat(stream.arn), handler, { name, ...RECOMMEND_MAPPING }),
      );
  },
};
