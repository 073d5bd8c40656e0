import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RecommendationMetrics, ServedOutcome } from '../../application/ports/recommendation-metrics.port.js';

/**
 * The recommendation metrics as CloudWatch EMF through Powertools Metrics:
 *  - `RecommendationLatency` (ms), dimensions `CacheStatus` = Hit | Miss and `Path` = STREAM | HTTP;
 *  - `CacheHit` (1 per hit, 0 per miss): its Average is the hit rate, its SampleCount the answers;
 *  - `ConsumerLag` (ms): age of a batch's oldest record when processed, like Lambda's IteratorAge
 *    but including our own queueing;
 *  - `RecordsRejected`: malformed request records.
 * Each dimension set is its own Powertools `Metrics` (a metric's dimensions are per EMF blob),
 * buffered during an invocation and written by `flush()` — a few log lines per batch instead
 * of one per record (`singleMetric()` would print one per value).
 */
export class PowertoolsRecommendationMetrics implements RecommendationMetrics {
  private readonly base: Metrics;
  private readonly latency = new Map<string, Metrics>();

  constructor(private readonly options: { readonly namespace: string; readonly serviceName: string }) {
    this.base = new Metrics({ namespace: options.namespace, serviceName: options.serviceName });
  }

  served({ path, fromCache, latencyMs }: ServedOutcome): void {
    const cacheStatus = fromCache ? 'Hit' : 'Miss';
    this.latencyMetrics(cacheStatus, path).addMetric('RecommendationLatency', MetricUnit.Milliseconds, latencyMs);
    this.base.addMetric('CacheHit', MetricUnit.Count, fromCache ? 1 : 0);
  }

  consumerLag(ms: number): void {
    this.base.addMetric('ConsumerLag', MetricUnit.Milliseconds, Math.max(0, ms));
  }

  rejected(count: number): void {
    if (count > 0) this.base.addMetric('RecordsRejected', MetricUnit.Count, count);
  }

  /** Writes the buffered metrics (call once at the end of every invocation). */
  flush(): void {
    for (const metrics of [this.base, ...this.latency.values()]) {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  }

  private latencyMetrics(cacheStatus: string, path: string): Metrics {
    const key = `${cacheStatus}/${path}`;
    let metrics = this.latency.get(key);
    if (!metrics) {
      metrics = new Metrics({
        namespace: this.options.namespace,
        serviceName: this.options.serviceName,
        defaultDimensions: { CacheStatus: cacheStatus, Path: path },
      });
      this.latency.set(key, metrics);
    }
    return metrics;
  }
}
