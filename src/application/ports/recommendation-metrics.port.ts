/** Where an answer was served from: the request stream consumer or the HTTP API. */
export type RecommendationPath = 'STREAM' | 'HTTP';

export interface ServedOutcome {
  readonly path: RecommendationPath;
  readonly fromCache: boolean;
  readonly latencyMs: number;
}

/**
 * What the recommendation flow reports (CloudWatch EMF in AWS): latency by cache hit/miss,
 * hit rate, and how far the consumer lags behind the stream (as Lambda's IteratorAge).
 */
export interface RecommendationMetrics {
  /** One answer served (latency tagged by hit/miss; hit rate = hits / served). */
  served(outcome: ServedOutcome): void;
  /** Age of the oldest record of a consumed batch, in ms (arrival on the stream → processing). */
  consumerLag(ms: number): void;
  /** Records of a batch rejected as malformed (they go to the failure destination). */
  rejected(count: number): void;
}
