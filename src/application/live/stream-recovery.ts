import { isViewerStream, toFeedEvent } from '../../domain/live-feed/feed-mapping.js';
import type { ChannelFeedEvent } from '../../domain/live-feed/feed-item.js';
import type { EventStore } from '../ports/event-store.port.js';

/** The stream is not one viewers may recover (404). */
export type StreamRecoveryErrorCode = 'STREAM_NOT_FOUND';

export const MAX_RECOVERY_PAGE = 1_000;

export interface RecoveredEvents {
  readonly streamId: string;
  /** The stream's current version. */
  readonly version: number;
  /** Feed events with version > after, in order, at most `limit`. */
  readonly items: readonly ChannelFeedEvent[];
  /** More events follow the last item: ask again with after = its version. */
  readonly hasMore: boolean;
}

/**
 * Fills a viewer's gap: the events of a stream after the version it has, in the same form
 * the feed delivers them. Only viewer streams (channels, auctions) are served; any other
 * stream reads as absent, so this endpoint never exposes bookings or sessions.
 */
export const makeStreamRecovery =
  (deps: { readonly store: EventStore }) =>
  async (streamId: string, after: number, limit = MAX_RECOVERY_PAGE): Promise<RecoveredEvents | null> => {
    if (!isViewerStream(streamId)) return null;
    const slice = await deps.store.read(streamId, after);
    if (slice.version === 0) return null;
    const page = slice.events.slice(0, Math.min(limit, MAX_RECOVERY_PAGE));
    const items = page.map(toFeedEvent).filter((i): i is ChannelFeedEvent => i !== null);
    return { streamId, version: slice.version, items, hasMore: page.length < slice.events.length };
  };
export type RecoverStream = ReturnType<typeof makeStreamRecovery>;
