import type { RecommendationCache } from '../../application/ports/recommendation-cache.port.js';
import type { RecommendationMetrics } from '../../application/ports/recommendation-metrics.port.js';
import type { RecommendationModelStore } from '../../application/ports/recommendation-model-store.port.js';
import type { RecommendationRequestPublisher } from '../../application/ports/recommendation-request-publisher.port.js';
import type { Recommender } from '../../application/ports/recommender.port.js';
import { ModelRecommender } from '../../application/recommendations/model-recommender.js';
import { ProjectRecommendationFacts } from '../../application/recommendations/project-recommendation-facts.js';
import { RequestRecommendations } from '../../application/recommendations/request-recommendations.js';
import { ServeRecommendations } from '../../application/recommendations/serve-recommendations.js';
import { makeRecommendConsumerHandler, type RecommendConsumerHandler } from '../handlers/recommend-consumer.js';
import { makeRecommendRoutes } from '../http/recommend.routes.js';
import { TOKENS, bindingsModule, tokenIn } from './tokens.js';

const token = tokenIn('recommend');

export interface RecommendSettings {
  /** Which Kinesis batches are live-feed batches (projected) rather than requests (served). */
  readonly isFeedStream: (eventSourceArn: string) => boolean;
  /** How long one read of the live channels serves every request of an instance. */
  readonly liveChannelsTtlMs: number;
}

/** F8 bindings. The ports (first group) come from the backend: in-memory twins locally, Redis/Kinesis in AWS. */
export const RECOMMEND_TOKENS = {
  Settings: token<RecommendSettings>('Settings'),
  Cache: token<RecommendationCache>('Cache'),
  ModelStore: token<RecommendationModelStore>('ModelStore'),
  RequestPublisher: token<RecommendationRequestPublisher>('RequestPublisher'),
  Metrics: token<RecommendationMetrics>('Metrics'),
  Recommender: token<Recommender>('Recommender'),
  Serve: token<ServeRecommendations>('Serve'),
  Project: token<ProjectRecommendationFacts>('Project'),
  Request: token<RequestRecommendations>('Request'),
  Handler: token<RecommendConsumerHandler>('Handler'),
} as const;

/** Use cases, the `recommend-consumer` handler and the recommendation routes over the bound ports. */
export const recommendModule = bindingsModule((bind) => {
  bind(
    RECOMMEND_TOKENS.Recommender,
    (get) =>
      new ModelRecommender(get(RECOMMEND_TOKENS.ModelStore), get(TOKENS.Clock), {
        liveChannelsTtlMs: get(RECOMMEND_TOKENS.Settings).liveChannelsTtlMs,
      }),
  );
  bind(
    RECOMMEND_TOKENS.Serve,
    (get) =>
      new ServeRecommendations({
        cache: get(RECOMMEND_TOKENS.Cache),
        recommender: get(RECOMMEND_TOKENS.Recommender),
        clock: get(TOKENS.Clock),
        metrics: get(RECOMMEND_TOKENS.Metrics),
      }),
  );
  bind(RECOMMEND_TOKENS.Project, (get) => new ProjectRecommendationFacts(get(RECOMMEND_TOKENS.ModelStore)));
  bind(
    RECOMMEND_TOKENS.Request,
    (get) => new RequestRecommendations(get(RECOMMEND_TOKENS.RequestPublisher), get(TOKENS.Clock), get(TOKENS.Ids)),
  );
  bind(RECOMMEND_TOKENS.Handler, (get) =>
    makeRecommendConsumerHandler({
      serve: get(RECOMMEND_TOKENS.Serve),
      project: get(RECOMMEND_TOKENS.Project),
      metrics: get(RECOMMEND_TOKENS.Metrics),
      clock: get(TOKENS.Clock),
      logger: get(TOKENS.Logger),
      isFeedStream: get(RECOMMEND_TOKENS.Settings).isFeedStream,
    }),
  );
  bind(TOKENS.HttpRoutes, (get) => {
    const logger = get(TOKENS.Logger);
    return makeRecommendRoutes({
      serve: get(RECOMMEND_TOKENS.Serve),
      requests: get(RECOMMEND_TOKENS.Request),
      logger,
      onUnexpected: (error) => logger.error('unexpected error in a recommendation route', { error }),
    });
  });
});

/** `…:stream/<name>` of a Kinesis stream ARN, for `isFeedStream`. */
export const isStreamNamed =
  (streamName: string) =>
  (eventSourceArn: string): boolean =>
    eventSourceArn.endsWith(`:stream/${streamName}`);
