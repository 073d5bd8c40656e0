import {
  ModelRevisionConflictError,
  type RecommendationModelStore,
  type Revised,
} from '../../application/ports/recommendation-model-store.port.js';
import { ChannelPopularity } from '../../domain/recommendation/channel-popularity.js';
import { UserTaste } from '../../domain/recommendation/user-taste.js';

interface Stored {
  readonly revision: number;
  readonly json: string;
}

/**
 * The in-memory twin of the Redis read-model store. Documents are kept as JSON text (callers
 * get copies, as from Redis) and each save checks the revision synchronously, so within one
 * process the check and the write are atomic like the Redis script.
 */
export class InMemoryRecommendationModelStore implements RecommendationModelStore {
  private readonly channelDocs = new Map<string, Stored>();
  private readonly live = new Set<string>();
  private readonly tasteDocs = new Map<string, Stored>();

  async channels(channelIds: readonly string[]): Promise<ReadonlyMap<string, Revised<ChannelPopularity>>> {
    const found = new Map<string, Revised<ChannelPopularity>>();
    for (const id of channelIds) {
      const stored = this.channelDocs.get(id);
      if (stored) found.set(id, { revision: stored.revision, doc: ChannelPopularity.parse(JSON.parse(stored.json)) });
    }
    return found;
  }

  async liveChannels(): Promise<readonly ChannelPopularity[]> {
    return [...this.live].sort().flatMap((id) => {
      const stored = this.channelDocs.get(id);
      return stored ? [ChannelPopularity.parse(JSON.parse(stored.json))] : [];
    });
  }

  async saveChannel(doc: ChannelPopularity, expectedRevision: number): Promise<void> {
    const json = JSON.stringify(ChannelPopularity.parse(doc));
    const current = this.channelDocs.get(doc.channelId)?.revision ?? 0;
    if (current !== expectedRevision)
      throw new ModelRevisionConflictError(`channel:${doc.channelId}`, expectedRevision);
    this.channelDocs.set(doc.channelId, { revision: current + 1, json });
    if (doc.live) this.live.add(doc.channelId);
    else this.live.delete(doc.channelId);
  }

  async taste(userId: string): Promise<Revised<UserTaste> | null> {
    const stored = this.tasteDocs.get(userId);
    return stored ? { revision: stored.revision, doc: UserTaste.parse(JSON.parse(stored.json)) } : null;
  }

  async saveTaste(doc: UserTaste, expectedRevision: number): Promise<void> {
    const json = JSON.stringify(UserTaste.parse(doc));
    const current = this.tasteDocs.get(doc.userId)?.revision ?? 0;
    if (current !== expectedRevision) throw new ModelRevisionConflictError(`user:${doc.userId}`, expectedRevision);
    this.tasteDocs.set(doc.userId, { revision: current + 1, json });
  }
}
