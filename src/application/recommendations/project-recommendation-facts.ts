import type { ChannelPopularity, TasteFact } from '../../domain/recommendation/channel-popularity.js';
import type { RecommendationFact } from '../../domain/recommendation/recommendation-fact.js';
import { projectOntoChannels, projectOntoTastes } from '../../domain/recommendation/recommendation-model.js';
import { ModelRevisionConflictError, type RecommendationModelStore } from '../ports/recommendation-model-store.port.js';

export interface ProjectionSummary {
  readonly facts: number;
  readonly channelsSaved: number;
  readonly usersSaved: number;
  /** Revision conflicts met and resolved by reloading. */
  readonly conflicts: number;
}

/** A document kept changing under the projector; the batch fails and its records are redelivered. */
export class ProjectionConflictError extends Error {
  override readonly name = 'ProjectionConflictError';
  constructor(key: string, attempts: number, options?: { cause?: unknown }) {
    super(
      `recommendation model document ${key} kept changing; gave up after ${attempts} attempts (the batch will be retried)`,
      options,
    );
  }
}

/**
 * Keeps the recommender's read model current from the live feed. Per batch: the facts go to
 * their channel documents in feed order, then the user-taste facts they imply go to the users'
 * documents. Every document is gated on its applied positions, so a redelivered batch (or a
 * batch retried after failing halfway) changes nothing already applied, and a document saved
 * against a stale revision is reloaded and the same facts re-applied.
 */
export class ProjectRecommendationFacts {
  constructor(
    private readonly store: RecommendationModelStore,
    private readonly maxAttempts = 5,
  ) {}

  async project(facts: readonly RecommendationFact[]): Promise<ProjectionSummary> {
    let conflicts = 0;
    const byChannel = groupBy(facts, (f) => f.channelId);
    const tasteFacts: TasteFact[] = [];
    let channelsSaved = 0;
    // Channels first, each on its own: a channel's facts only touch that channel's document.
    await Promise.all(
      [...byChannel].map(async ([channelId, channelFacts]) => {
        const result = await this.withRetries(`channel ${channelId}`, async () => {
          const loaded = (await this.store.channels([channelId])).get(channelId);
          const docs = new Map<string, ChannelPopularity>(loaded ? [[channelId, loaded.doc]] : []);
          const projected = projectOntoChannels(docs, channelFacts);
          const changed = projected.channels.get(channelId);
          if (changed) await this.store.saveChannel(changed, loaded?.revision ?? 0);
          return { tastes: projected.tastes, saved: changed ? 1 : 0 };
        });
        conflicts += result.conflicts;
        channelsSaved += result.value.saved;
        tasteFacts.push(...result.value.tastes);
      }),
    );
    // Taste facts keep feed order per user (channels were grouped, but each user's facts from
    // one channel are in order, and counts are sums, so order across channels does not matter).
    let usersSaved = 0;
    await Promise.all(
      [...groupBy(tasteFacts, (t) => t.userId)].map(async ([userId, userFacts]) => {
        const result = await this.withRetries(`user ${userId}`, async () => {
          const loaded = await this.store.taste(userId);
          const changed = projectOntoTastes(new Map(loaded ? [[userId, loaded.doc]] : []), userFacts).get(userId);
          if (changed) await this.store.saveTaste(changed, loaded?.revision ?? 0);
          return changed ? 1 : 0;
        });
        conflicts += result.conflicts;
        usersSaved += result.value;
      }),
    );
    return { facts: facts.length, channelsSaved, usersSaved, conflicts };
  }

  private async withRetries<T>(key: string, attempt: () => Promise<T>): Promise<{ value: T; conflicts: number }> {
    for (let n = 1; ; n++) {
      try {
        return { value: await attempt(), conflicts: n - 1 };
      } catch (error) {
        if (!(error instanceof ModelRevisionConflictError)) throw error;
        if (n >= this.maxAttempts) throw new ProjectionConflictError(key, n, { cause: error });
      }
    }
  }
}

const groupBy = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
};
