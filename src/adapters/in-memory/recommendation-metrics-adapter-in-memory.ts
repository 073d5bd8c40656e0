import type {
  RecommendationMetrics,
  RecommendationPath,
  ServedOutcome,
} from '../../application/ports/recommendation-metrics.port.js';

interface Tally {
  hits: number;
  misses: number;
}

/**
 * Counts what the recommendation flow reports, for tests, the benchmark and the local runtime's
 * admin view. Latencies are kept for the last `keepLatencies` answers only, so a long local run
 * stays bounded.
 */
export class InMemoryRecommendationMetrics implements RecommendationMetrics {
  private readonly tallies: Record<RecommendationPath, Tally> = {
    STREAM: { hits: 0, misses: 0 },
    HTTP: { hits: 0, misses: 0 },
  };
  private readonly recent: ServedOutcome[] = [];
  private maxLag = 0;
  private rejectedCount = 0;

  constructor(private readonly keepLatencies = 10_000) {}

  served(outcome: ServedOutcome): void {
    const tally = this.tallies[outcome.path];
    if (outcome.fromCache) tally.hits++;
    else tally.misses++;
    this.recent.push(outcome);
    if (this.recent.length > this.keepLatencies) this.recent.splice(0, this.recent.length - this.keepLatencies);
  }

  consumerLag(ms: number): void {
    this.maxLag = Math.max(this.maxLag, ms);
  }

  rejected(count: number): void {
    this.rejectedCount += count;
  }

  /** Hits / answers served (on one path, or both), or null before any answer. */
  hitRate(path?: RecommendationPath): number | null {
    const paths: readonly RecommendationPath[] = path ? [path] : ['STREAM', 'HTTP'];
    const hits = paths.reduce((n, p) => n + this.tallies[p].hits, 0);
    const total = paths.reduce((n, p) => n + this.tallies[p].hits + this.tallies[p].misses, 0);
    return total === 0 ? null : hits / total;
  }

  snapshot() {
    return {
      stream: { ...this.tallies.STREAM },
      http: { ...this.tallies.HTTP },
      maxConsumerLagMs: this.maxLag,
      rejected: this.rejectedCount,
      recent: [...this.recent],
    };
  }
}
