import {
  applyFeedEvent,
  emptyChannelView,
  openAuctionIds,
  type ChannelView,
} from '../../domain/live-feed/channel-view.js';
import { AUCTION_STREAM_PREFIX, CHANNEL_STREAM_PREFIX, toFeedEvent } from '../../domain/live-feed/feed-mapping.js';
import type { EventStore } from '../ports/event-store.port.js';

/** What a viewer downloads on join: the channel as of `versions`, then frames take over. */
export interface ChannelSnapshot {
  readonly channelId: string;
  readonly view: ChannelView;
  /** The version of each stream the view reflects; the client applies only later versions. */
  readonly versions: Readonly<Record<string, number>>;
  readonly openAuctions: readonly string[];
}

export interface ChannelSnapshotDeps {
  readonly store: EventStore;
  /** Channels whose views are kept to catch up incrementally. */
  readonly cacheSize?: number;
}

/**
 * Builds join snapshots. At a stampede thousands of viewers join one channel within seconds, so
 * each view is cached and only caught up with the events after its versions, and concurrent
 * requests for one channel share a single catch-up (single flight) instead of each replaying
 * the streams.
 */
export const makeChannelSnapshot = (deps: ChannelSnapshotDeps) => {
  const cache = new Map<string, ChannelView>();
  const inFlight = new Map<string, Promise<ChannelView>>();
  const limit = deps.cacheSize ?? 1_000;

  const catchUp = async (view: ChannelView, streamId: string): Promise<ChannelView> => {
    const slice = await deps.store.read(streamId, view.versions[streamId] ?? 0);
    let next = view;
    for (const envelope of slice.events) {
      const item = toFeedEvent(envelope);
      if (item) next = applyFeedEvent(next, item);
    }
    return next;
  };

  const refresh = async (channelId: string): Promise<ChannelView> => {
    let view = await catchUp(
      cache.get(channelId) ?? emptyChannelView(channelId),
      `${CHANNEL_STREAM_PREFIX}${channelId}`,
    );
    const auctionIds = new Set([...Object.keys(view.attachedAuctions), ...Object.keys(view.auctions)]);
    // Auction streams are independent: catch each up on its own and merge the per-auction results.
    const caughtUp = await Promise.all([...auctionIds].map((id) => catchUp(view, `${AUCTION_STREAM_PREFIX}${id}`)));
    [...auctionIds].forEach((id, i) => {
      const streamId = `${AUCTION_STREAM_PREFIX}${id}`;
      const other = caughtUp[i];
      const auction = other?.auctions[id];
      if (!other || !auction) return;
      view = {
        ...view,
        auctions: { ...view.auctions, [id]: auction },
        versions: { ...view.versions, [streamId]: other.versions[streamId] ?? 0 },
      };
    });
    cache.delete(channelId);
    cache.set(channelId, view);
    if (cache.size > limit) cache.delete(cache.keys().next().value as string);
    return view;
  };

  // A request must see every event appended before it arrived, so it may not reuse a catch-up
  // that started earlier: it waits for a trailing one, shared with everyone else who came meanwhile.
  const queued = new Map<string, Promise<ChannelView>>();
  const latest = (channelId: string): Promise<ChannelView> => {
    const waiting = queued.get(channelId);
    if (waiting) return waiting;
    const running = inFlight.get(channelId);
    const start = (): Promise<ChannelView> => {
      queued.delete(channelId);
      const p = refresh(channelId).finally(() => {
        if (inFlight.get(channelId) === p) inFlight.delete(channelId);
      });
      inFlight.set(channelId, p);
      return p;
    };
    if (!running) return start();
    const next = running.then(start, start);
    queued.set(channelId, next);
    return next;
  };

  return async (channelId: string): Promise<ChannelSnapshot | null> => {
    const view = await latest(channelId);
    if (view.status === 'UNKNOWN') return null;
    return { channelId, view, versions: view.versions, openAuctions: openAuctionIds(view) };
  };
};
export type GetChannelSnapshot = ReturnType<typeof makeChannelSnapshot>;
