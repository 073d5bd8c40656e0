import { RecommendationRequest } from '../../domain/recommendation/recommendation-request.js';
import type { Clock } from '../ports/clock.port.js';
import type { IdGenerator } from '../ports/id-generator.port.js';
import type { RecommendationRequestPublisher } from '../ports/recommendation-request-publisher.port.js';

/**
 * Puts a request on the recommendation request stream (the seed's producer side): the
 * consumer computes and caches the answer, which `GET /recommend/cached/{userId}` then serves
 * from the cache. Returns the request as published (with its id) for a 202.
 */
export class RequestRecommendations {
  constructor(
    private readonly publisher: RecommendationRequestPublisher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async request(userId: string, topN: number): Promise<RecommendationRequest> {
    const request = RecommendationRequest.parse({
      userId,
      topN,
      requestId: this.ids.next(),
      timestamp: this.clock.now(),
    });
    await this.publisher.publish([request]);
    return request;
  }
}
