import type { ChannelPopularity } from '../../domain/recommendation/channel-popularity.js';
import type { UserTaste } from '../../domain/recommendation/user-taste.js';

/** A read-model document and the revision it was read at (0 when it did not exist). */
export interface Revised<T> {
  readonly doc: T;
  readonly revision: number;
}

/** The document changed since it was read; reload, re-apply (facts are gated), save again. */
export class ModelRevisionConflictError extends Error {
  override readonly name = 'ModelRevisionConflictError';
  constructor(
    readonly key: string,
    readonly expectedRevision: number,
  ) {
    super(`recommendation model document ${key} is no longer at revision ${expectedRevision}`);
  }
}

/**
 * The recommender's read model (Redis in AWS): one document per channel and one per user,
 * each saved only if still at the revision it was read at, so concurrent projector batches
 * never lose each other's updates.
 */
export interface RecommendationModelStore {
  /** The documents of these channels that exist. */
  channels(channelIds: readonly string[]): Promise<ReadonlyMap<string, Revised<ChannelPopularity>>>;
  /** Every channel document whose channel is live now. */
  liveChannels(): Promise<readonly ChannelPopularity[]>;
  /** Saves a channel document; `ModelRevisionConflictError` if it is not at `expectedRevision`. */
  saveChannel(doc: ChannelPopularity, expectedRevision: number): Promise<void>;
  /** A user's document, or null for a user with no history. */
  taste(userId: string): Promise<Revised<UserTaste> | null>;
  /** Saves a user document; `ModelRevisionConflictError` if it is not at `expectedRevision`. */
  saveTaste(doc: UserTaste, expectedRevision: number): Promise<void>;
}
