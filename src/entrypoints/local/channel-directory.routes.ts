import { z } from 'zod';
import { InMemoryEventStore } from '../../adapters/in-memory/event-store-adapter-in-memory.js';
import type { GetChannelSnapshot } from '../../application/live/channel-snapshot.js';
import type { EventStore } from '../../application/ports/event-store.port.js';
import { CHANNEL_STREAM_PREFIX } from '../../domain/live-feed/feed-mapping.js';
import { decimalQueryInt, json, route, validate, type ApiRoutes } from '../http/api-route.js';

export interface ChannelListing {
  readonly channelId: string;
  readonly title: string | null;
  readonly status: 'SCHEDULED' | 'LIVE' | 'ENDED';
  readonly sellerId: string | null;
  readonly currency: string | null;
  readonly viewerCount: number;
  readonly products: number;
  readonly openAuctions: number;
  readonly startedAt: number | null;
}

const ListQuery = z.object({
  status: z.enum(['SCHEDULED', 'LIVE', 'ENDED']).optional(),
  limit: decimalQueryInt(1, 200).default(50),
});

/** At most this many channels are folded per request (the local store may hold many ended ones). */
const SCAN_LIMIT = 500;

/**
 * `GET /api/channels[?status=LIVE]` for the local runtime's live room page: which channels
 * exist, newest live first with their audience. Each entry is the channel's join snapshot (the
 * same cached, incrementally caught-up view viewers download), so the list and the room agree.
 *
 * Local only: it enumerates the in-memory event store's streams. A deployed directory needs a
 * read model of its own (a GSI or projection table); with another backend this route says so.
 */
export const makeChannelDirectoryRoutes = (deps: {
  readonly store: EventStore;
  readonly snapshot: GetChannelSnapshot;
  readonly onUnexpected: (error: unknown) => void;
}): ApiRoutes => ({
  'GET /api/channels': route(async (event) => {
    const query = validate(ListQuery, event.queryStringParameters ?? {});
    if (!(deps.store instanceof InMemoryEventStore)) {
      return json(501, {
        error: {
          code: 'NOT_AVAILABLE',
          message: 'listing channels needs the memory backend; open a channel by its id instead',
        },
      });
    }
    const ids = deps.store
      .streamIds()
      .filter((s) => s.startsWith(CHANNEL_STREAM_PREFIX))
      .slice(-SCAN_LIMIT)
      .map((s) => s.slice(CHANNEL_STREAM_PREFIX.length));
    const snapshots = await Promise.all(ids.map((id) => deps.snapshot(id)));
    const channels: ChannelListing[] = [];
    for (const snap of snapshots) {
      const v = snap?.view;
      if (!snap || !v || v.status === 'UNKNOWN') continue;
      const status = v.status;
      if (query.status && status !== query.status) continue;
      channels.push({
        channelId: v.channelId,
        title: v.title,
        status,
        sellerId: v.sellerId,
        currency: v.currency,
        viewerCount: v.viewerCount,
        products: Object.keys(v.products).length,
        openAuctions: snap.openAuctions.length,
        startedAt: v.startedAt,
      });
    }
    const rank = { LIVE: 0, SCHEDULED: 1, ENDED: 2 } as const;
    channels.sort(
      (a, b) =>
        rank[a.status] - rank[b.status] || b.viewerCount - a.viewerCount || (b.startedAt ?? 0) - (a.startedAt ?? 0),
    );
    return {
      ...json(200, { channels: channels.slice(0, query.limit) }),
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    };
  }, deps.onUnexpected),
});
