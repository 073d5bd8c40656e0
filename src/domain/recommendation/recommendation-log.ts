import { toFeedEvent } from '../live-feed/feed-mapping.js';
import type { EventEnvelope } from '../shared/envelope.js';
import { UnreadableEventError } from '../shared/faults.js';
import { factFromFeedEvent, type RecommendationFact } from './recommendation-fact.js';

/**
 * The facts of stored events, in the order the live feed carried them: by occurrence time
 * (ties by stream and version), which keeps every stream in version order and puts a product
 * listing before the auction that sells it. Streams viewers never see (trips, sessions) and
 * events the relay could not map either are skipped — the relay skips them too.
 * Likes and chat are not stored events: a rebuild from the store has popularity from viewers
 * and bids only, until the feed brings new signals (they matter for 15 minutes anyway).
 */
export const factsFromStoredEvents = (envelopes: readonly EventEnvelope[]): RecommendationFact[] =>
  [...envelopes]
    .sort(
      (a, b) =>
        a.occurredAt - b.occurredAt ||
        (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0) ||
        a.version - b.version,
    )
    .flatMap((envelope) => {
      let item;
      try {
        item = toFeedEvent(envelope);
      } catch (error) {
        if (error instanceof UnreadableEventError) return [];
        throw error;
      }
      const fact = item ? factFromFeedEvent(item) : null;
      return fact ? [fact] : [];
    });
