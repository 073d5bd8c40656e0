import type { RecommendationRequest } from '../../domain/recommendation/recommendation-request.js';

/**
 * The recommendation request stream (Kinesis in AWS, partition key = userId, so one user's
 * requests stay in order). Chunked at the service limits; refused records are retried with
 * back-off, then `PublishError` (from feed-publisher.port) is thrown.
 */
export interface RecommendationRequestPublisher {
  /** Publishes the requests; resolves when all were accepted. */
  publish(requests: readonly RecommendationRequest[]): Promise<void>;
}
