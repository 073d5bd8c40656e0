import type { ChannelPopularity } from '../../domain/recommendation/channel-popularity.js';
import { rankChannels, type Recommendation } from '../../domain/recommendation/recommendation.scoring.js';
import type { Clock } from '../ports/clock.port.js';
import type { RecommendationModelStore } from '../ports/recommendation-model-store.port.js';
import type { Recommender } from '../ports/recommender.port.js';

export interface ModelRecommenderOptions {
  /**
   * How long one read of the live channels serves all requests. Every miss needs every live
   * channel; reading them per request would multiply store reads by the batch size, and
   * popularity a second old ranks the same for practical purposes.
   */
  readonly liveChannelsTtlMs?: number;
}

/** Scores the read model in-process: live channels (shared, briefly cached) × the user's taste. */
export class ModelRecommender implements Recommender {
  private snapshot: { readonly at: number; readonly channels: Promise<readonly ChannelPopularity[]> } | null = null;
  private readonly ttlMs: number;

  constructor(
    private readonly store: RecommendationModelStore,
    private readonly clock: Clock,
    options: ModelRecommenderOptions = {},
  ) {
    this.ttlMs = options.liveChannelsTtlMs ?? 1_000;
  }

  async recommend(userId: string, topN: number): Promise<readonly Recommendation[]> {
    const [channels, taste] = await Promise.all([this.liveChannels(), this.store.taste(userId)]);
    return rankChannels(channels, taste?.doc ?? null, { topN, now: this.clock.now() });
  }

  /** One read shared by concurrent callers; a failed read is not kept, the next call retries. */
  private liveChannels(): Promise<readonly ChannelPopularity[]> {
    const now = this.clock.now();
    if (this.snapshot && now - this.snapshot.at < this.ttlMs) return this.snapshot.channels;
    const channels = this.store.liveChannels();
    const snapshot = { at: now, channels };
    this.snapshot = snapshot;
    channels.catch(() => {
      if (this.snapshot === snapshot) this.snapshot = null;
    });
    return channels;
  }
}
