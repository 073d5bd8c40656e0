import { auctionEventDefinitions } from '../auction/auction.events.js';
import { channelEventDefinitions, type ChannelEvent } from '../channel/channel.events.js';
import { EventCodec } from '../shared/codec.js';
import type { EventEnvelope } from '../shared/envelope.js';
import { UnreadableEventError } from '../shared/faults.js';
import type { ChannelFeedEvent, FeedEventType } from './feed-item.js';
import { AUCTION_STREAM_PREFIX, CHANNEL_STREAM_PREFIX } from './stream-prefixes.js';

// Defined apart so the browser's view fold (channel-view.ts) can use them without the codecs.
export { AUCTION_STREAM_PREFIX, CHANNEL_STREAM_PREFIX } from './stream-prefixes.js';

// Decoding (not just copying) the body upcasts older schema versions, so viewers and the
// snapshot only ever see current shapes, and a corrupt body fails here rather than in a browser.
const channelCodec = new EventCodec(channelEventDefinitions);
const auctionCodec = new EventCodec(auctionEventDefinitions);

const channelFeedTypes: Readonly<Record<ChannelEvent['type'], FeedEventType>> = {
  ChannelScheduled: 'CHANNEL_SCHEDULED',
  LiveStarted: 'LIVE_STARTED',
  LiveEnded: 'LIVE_ENDED',
  ProductListed: 'PRODUCT_LISTED',
  PriceChanged: 'PRICE_UPDATED',
  ViewerCountChanged: 'VIEWER_COUNT_CHANGED',
  AuctionAttached: 'AUCTION_ATTACHED',
};

/** Streams whose events viewers receive (and may recover over HTTP); all others stay private. */
export const isViewerStream = (streamId: string): boolean =>
  (streamId.startsWith(CHANNEL_STREAM_PREFIX) && streamId.length > CHANNEL_STREAM_PREFIX.length) ||
  (streamId.startsWith(AUCTION_STREAM_PREFIX) && streamId.length > AUCTION_STREAM_PREFIX.length);

const asRecord = (envelope: EventEnvelope, data: unknown): Record<string, unknown> => {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UnreadableEventError('INVALID_EVENT_BODY', envelope, 'an event body must be an object');
  }
  return data as Record<string, unknown>;
};

const decodeBody = (
  codec: typeof channelCodec | typeof auctionCodec,
  envelope: EventEnvelope,
): Record<string, unknown> => {
  if (!codec.knows(envelope.type)) {
    throw new UnreadableEventError(
      'UNMAPPED_EVENT_TYPE',
      envelope,
      'no viewer mapping for this type; deploy the relay with the new event definition',
    );
  }
  return asRecord(envelope, codec.decode(envelope).data);
};

const channelOf = (envelope: EventEnvelope, body: Record<string, unknown>, fallback: string | null): string => {
  const id = envelope.channelId ?? (typeof body['channelId'] === 'string' ? body['channelId'] : null) ?? fallback;
  if (!id) {
    throw new UnreadableEventError(
      'UNROUTABLE_EVENT',
      envelope,
      'it names no channel: append auction events with the channelId context',
    );
  }
  return id;
};

/**
 * The viewer-facing form of a stored event, or null when viewers never see its stream (trips,
 * sessions…). Every event of a channel or auction stream maps to exactly one feed event with
 * the same (streamId, version): skipping one would leave every viewer with a gap to recover.
 * Throws `UnreadableEventError` (a fault) for an event it cannot map (unknown type, no channel, corrupt body).
 */
export const toFeedEvent = (envelope: EventEnvelope): ChannelFeedEvent | null => {
  const { streamId } = envelope;
  if (!isViewerStream(streamId)) return null;
  const isChannel = streamId.startsWith(CHANNEL_STREAM_PREFIX);
  const data = decodeBody(isChannel ? channelCodec : auctionCodec, envelope);
  const channelId = channelOf(envelope, data, isChannel ? streamId.slice(CHANNEL_STREAM_PREFIX.length) : null);
  const eventType: FeedEventType = isChannel
    ? channelFeedTypes[envelope.type as ChannelEvent['type']]
    : 'AUCTION_UPDATED';
  return {
    kind: 'event',
    channelId,
    streamId,
    eventType,
    sourceType: envelope.type,
    version: envelope.version,
    occurredAt: envelope.occurredAt,
    data,
  };
};
