import { z } from 'zod';
import { PublishError } from '../../application/ports/feed-publisher.port.js';
import { RecommendationCacheError } from '../../application/ports/recommendation-cache.port.js';
import type { RequestRecommendations } from '../../application/recommendations/request-recommendations.js';
import type {
  ServeRecommendations,
  ServedRecommendations,
} from '../../application/recommendations/serve-recommendations.js';
import { DEFAULT_TOP_N, MAX_TOP_N, MIN_TOP_N, TopN } from '../../domain/recommendation/recommendation-request.js';
import { UserId } from '../../domain/shared/ids.js';
import type { HandlerLogger } from '../handlers/sqs-record-body.js';
import { authenticatedUser, json, pathParam, readBody, route, validate, type ApiRoutes } from './api-route.js';

export interface RecommendRoutesDeps {
  readonly serve: Pick<ServeRecommendations, 'serve' | 'serveUncached' | 'compute'>;
  readonly requests: Pick<RequestRecommendations, 'request'>;
  readonly logger: Pick<HandlerLogger, 'warn'>;
  readonly onUnexpected: (error: unknown) => void;
}

/** `?top_n=` as the seed names it: a whole number 1..50, 10 when absent. */
const TopNQuery = z
  .string()
  .regex(/^\d{1,3}$/, `top_n must be a whole number from ${MIN_TOP_N} to ${MAX_TOP_N}`)
  .transform(Number)
  .pipe(TopN)
  .optional()
  .transform((n) => n ?? DEFAULT_TOP_N);

/**
 * `top_n` is the canonical name (`topN`, the older spelling, is still read; `top_n` wins when
 * both are sent). `userId` / `user_id` are accepted for older clients and IGNORED: requests are
 * made for the verified caller.
 */
const RequestBody = z
  .object({ user_id: UserId.optional(), userId: UserId.optional(), top_n: TopN.optional(), topN: TopN.optional() })
  .transform((b) => ({ topN: b.top_n ?? b.topN ?? DEFAULT_TOP_N }));

/** The design's names (snake_case), as on the request stream: `from_cache`, `latency_ms`. */
const answer = (served: ServedRecommendations) => ({
  user_id: served.userId,
  top_n: served.topN,
  recommendations: served.recommendations,
  count: served.recommendations.length,
  from_cache: served.fromCache,
  latency_ms: served.latencyMs,
});

/**
 * F8 routes (the design's endpoints; bodies in its snake_case names, as on the request stream):
 *  - `GET /recommend/cached/{userId}?top_n=` — the cached answer, or computed, cached and
 *    returned on a miss. If the cache is down the answer is computed anyway (from_cache false)
 *    and the outage logged: recommendations degrade to slower, never to an error.
 *  - `GET /internal/recommend/{userId}?top_n=` — computed directly, no cache (what the
 *    consumer would call on a remote recommender; in AWS the stack puts `/internal/*` behind IAM).
 *  - `POST /recommend/requests` — puts a request on the Kinesis request stream (202); the
 *    consumer fills the cache, the cached endpoint then answers from it.
 */
export const makeRecommendRoutes = (deps: RecommendRoutesDeps): ApiRoutes => {
  const wrap = (handler: Parameters<typeof route>[0]) => route(handler, deps.onUnexpected);
  return {
    'GET /recommend/cached/{userId}': wrap(async (event) => {
      const userId = pathParam(event, 'userId', UserId);
      const topN = validate(TopNQuery, event.queryStringParameters?.top_n, 'top_n');
      try {
        return json(200, answer(await deps.serve.serve(userId, topN, 'HTTP')));
      } catch (error) {
        if (!(error instanceof RecommendationCacheError)) throw error;
        deps.logger.warn('recommendation cache unavailable; answering without it (check REDIS_URL and the cache)', {
          userId,
          reason: error.message,
        });
        return json(200, answer(await deps.serve.serveUncached(userId, topN, 'HTTP')));
      }
    }),
    'GET /internal/recommend/{userId}': wrap(async (event) => {
      const userId = pathParam(event, 'userId', UserId);
      const topN = validate(TopNQuery, event.queryStringParameters?.top_n, 'top_n');
      const recommendations = await deps.serve.compute(userId, topN);
      return json(200, { user_id: userId, top_n: topN, recommendations, count: recommendations.length });
    }),
    'POST /recommend/requests': wrap(async (event) => {
      const body = readBody(event, RequestBody);
      const userId = authenticatedUser(event);
      if (userId === undefined) {
        return {
          ...json(401, {
            error: { code: 'UNAUTHENTICATED', message: 'sign in to request recommendations: send a bearer token' },
          }),
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
        };
      }
      let request;
      try {
        request = await deps.requests.request(userId, body.topN);
      } catch (error) {
        if (!(error instanceof PublishError)) throw error;
        deps.onUnexpected(error);
        return json(503, {
          error: {
            code: 'STREAM_UNAVAILABLE',
            message: 'the request could not be put on the request stream; retry shortly',
          },
        });
      }
      return json(202, {
        request_id: request.requestId,
        user_id: request.userId,
        top_n: request.topN,
        status: 'QUEUED',
      });
    }),
  };
};
