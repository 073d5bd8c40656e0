import type { CachedRecommendations } from '../../domain/recommendation/cached-recommendations.js';
import type { Recommendation } from '../../domain/recommendation/recommendation.scoring.js';
import type { Clock } from '../ports/clock.port.js';
import type { RecommendationCache } from '../ports/recommendation-cache.port.js';
import type { RecommendationMetrics, RecommendationPath } from '../ports/recommendation-metrics.port.js';
import type { Recommender } from '../ports/recommender.port.js';

export interface ServedRecommendations {
  readonly userId: string;
  readonly topN: number;
  readonly recommendations: readonly Recommendation[];
  /** When the answer was computed (earlier than now when it came from the cache). */
  readonly computedAt: number;
  readonly fromCache: boolean;
  readonly latencyMs: number;
}

export interface ServeRecommendationsDeps {
  readonly cache: RecommendationCache;
  readonly recommender: Recommender;
  readonly clock: Clock;
  readonly metrics: RecommendationMetrics;
}

/**
 * Cache-aside serving, shared by the request-stream consumer and the HTTP API: the cached
 * answer if there is one, else compute, cache (for the cache's TTL) and answer. Concurrent
 * misses for the same (user, topN) in this process compute once — a popular user appears
 * several times in one 100-record batch.
 */
export class ServeRecommendations {
  private readonly inFlight = new Map<string, Promise<CachedRecommendations>>();

  constructor(private readonly deps: ServeRecommendationsDeps) {}

  /** The cached answer or a fresh one (then cached). Cache errors propagate to the caller. */
  async serve(userId: string, topN: number, path: RecommendationPath): Promise<ServedRecommendations> {
    const started = this.deps.clock.now();
    const cached = await this.deps.cache.get(userId, topN);
    const entry = cached ?? (await this.computeAndCache(userId, topN));
    return this.report(entry, cached !== null, started, path);
  }

  /** A fresh answer, neither read from nor written to the cache (the internal endpoint). */
  async compute(userId: string, topN: number): Promise<readonly Recommendation[]> {
    return this.deps.recommender.recommend(userId, topN);
  }

  /** A fresh answer for a caller that could not use the cache (it is down): not cached. */
  async serveUncached(userId: string, topN: number, path: RecommendationPath): Promise<ServedRecommendations> {
    const started = this.deps.clock.now();
    const recommendations = await this.compute(userId, topN);
    return this.report(
      { userId, topN, recommendations: [...recommendations], computedAt: started },
      false,
      started,
      path,
    );
  }

  private computeAndCache(userId: string, topN: number): Promise<CachedRecommendations> {
    const key = `${userId}\u0000${topN}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const task = (async () => {
      const computedAt = this.deps.clock.now();
      const recommendations = await this.deps.recommender.recommend(userId, topN);
      const entry: CachedRecommendations = { userId, topN, recommendations: [...recommendations], computedAt };
      await this.deps.cache.put(entry);
      return entry;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, task);
    return task;
  }

  private report(
    entry: CachedRecommendations,
    fromCache: boolean,
    started: number,
    path: RecommendationPath,
  ): ServedRecommendations {
    const latencyMs = Math.max(0, this.deps.clock.now() - started);
    this.deps.metrics.served({ path, fromCache, latencyMs });
    return { ...entry, fromCache, latencyMs };
  }
}
