import { toFeedEvent } from '../../domain/live-feed/feed-mapping.js';
import type { ChannelFeedEvent } from '../../domain/live-feed/feed-item.js';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import type { FeedPublisher } from '../ports/feed-publisher.port.js';

export interface RelayFeedDeps {
  readonly publisher: FeedPublisher;
}

export interface RelayFeed {
  /**
   * The viewer-facing item of one stored event, or null when viewers never see its stream
   * (trips…). Throws `UnreadableEventError` for an event of a viewer stream it cannot map: that record
   * is poison, and the caller reports it failed rather than skipping a version.
   */
  itemFor(envelope: EventEnvelope): ChannelFeedEvent | null;
  /** Publishes a batch's items with one put (partition key = channel id, so a channel stays in order). */
  publish(items: readonly ChannelFeedEvent[]): Promise<void>;
  /** `itemFor` over a batch, then one `publish`; returns how many items went out. */
  relay(envelopes: readonly EventEnvelope[]): Promise<number>;
}

/**
 * F2: the thin relay between the event store's change stream and the live feed. It only
 * translates and forwards — no reads, no fan-out — so it keeps up with the write rate.
 */
export const makeRelayFeed = (deps: RelayFeedDeps): RelayFeed => {
  const publish = async (items: readonly ChannelFeedEvent[]): Promise<void> => {
    if (items.length > 0) await deps.publisher.publish(items);
  };
  return {
    itemFor: toFeedEvent,
    publish,
    async relay(envelopes) {
      const items = envelopes.map(toFeedEvent).filter((i): i is ChannelFeedEvent => i !== null);
      await publish(items);
      return items.length;
    },
  };
};
