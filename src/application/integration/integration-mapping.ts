import { auctionCodec } from '../../domain/auction/index.js';
import { tripCodec } from '../../domain/booking/index.js';
import { channelCodec } from '../../domain/channel/index.js';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import { UnreadableEventError } from '../../domain/shared/faults.js';
import {
  IntegrationEvent,
  INTEGRATION_EVENT_SCHEMAS,
  type IntegrationAttributes,
  type IntegrationEventType,
  type IntegrationMessage,
} from './integration-events.js';

/**
 * THE one place where stored (domain) events become integration events (docs/INTEGRATION.md).
 * A stored event of a type that is not published maps to null; a published type is decoded
 * with its aggregate's codec (so older stored shapes are upcast first), translated field by
 * field into the published shape and validated against it. An event that cannot be translated
 * throws `UnreadableEventError`: the stream consumer reports that record failed (then the DLQ),
 * it never publishes a half-made fact nor skips one silently.
 */

const PREFIX = { channel: 'channel-', auction: 'auction-', trip: 'trip-' } as const;

const idAfter = (streamId: string, prefix: string): string | null =>
  streamId.startsWith(prefix) && streamId.length > prefix.length ? streamId.slice(prefix.length) : null;

const unmappable = (envelope: EventEnvelope, why: string): never => {
  throw new UnreadableEventError('INVALID_EVENT', envelope, why);
};

interface Translated {
  readonly type: IntegrationEventType;
  readonly data: unknown;
  readonly attributes: Omit<IntegrationAttributes, 'eventType'>;
}

const fromAuction = (envelope: EventEnvelope, auctionId: string): Translated | null => {
  if (envelope.type !== 'AuctionClosed') return null;
  const event = auctionCodec.decode(envelope);
  if (event.type !== 'AuctionClosed') return null;
  const channelId = envelope.channelId ?? unmappable(envelope, 'an auction event without its channelId context');
  const d = event.data;
  if (d.outcome === 'NO_SALE') {
    return {
      type: 'AuctionClosed',
      data: { auctionId, channelId, outcome: 'NO_SALE', closedAt: d.closedAt },
      attributes: { outcome: 'NO_SALE', channelId },
    };
  }
  // Closes stored before AuctionClosed v2 carry no currency: a payment without one would be a guess.
  const currency = d.currency ?? unmappable(envelope, 'a SOLD close stored before v2 names no currency');
  return {
    type: 'AuctionClosed',
    data: {
      auctionId,
      channelId,
      outcome: 'SOLD',
      winner: { userId: d.winnerId, bidId: d.winningBidId },
      price: { amount: d.price, currency },
      closedAt: d.closedAt,
    },
    attributes: { outcome: 'SOLD', channelId, currency },
  };
};

const fromChannel = (envelope: EventEnvelope, channelId: string): Translated | null => {
  if (envelope.type !== 'LiveStarted' && envelope.type !== 'LiveEnded') return null;
  const event = channelCodec.decode(envelope);
  if (event.type === 'LiveStarted')
    return { type: 'LiveStarted', data: { channelId, startedAt: event.data.startedAt }, attributes: { channelId } };
  if (event.type === 'LiveEnded')
    return { type: 'LiveEnded', data: { channelId, endedAt: event.data.endedAt }, attributes: { channelId } };
  return null;
};

const fromTrip = (envelope: EventEnvelope, tripId: string): Translated | null => {
  if (!['BookingConfirmed', 'BookingRejected', 'BookingCancelled'].includes(envelope.type)) return null;
  const event = tripCodec.decode(envelope);
  const attributes = { tripId };
  switch (event.type) {
    case 'BookingConfirmed': {
      const { requestId, passengerId, seatNumbers, at } = event.data;
      return {
        type: 'BookingConfirmed',
        data: { tripId, requestId, passengerId, seatNumbers, confirmedAt: at },
        attributes,
      };
    }
    case 'BookingRejected': {
      const { requestId, passengerId, reason, at } = event.data;
      return { type: 'BookingRejected', data: { tripId, requestId, passengerId, reason, rejectedAt: at }, attributes };
    }
    case 'BookingCancelled': {
      const { requestId, seatNumbers, at } = event.data;
      return { type: 'BookingCancelled', data: { tripId, requestId, seatNumbers, cancelledAt: at }, attributes };
    }
    default:
      return null;
  }
};

const translate = (envelope: EventEnvelope): Translated | null => {
  const auctionId = idAfter(envelope.streamId, PREFIX.auction);
  if (auctionId !== null) return fromAuction(envelope, auctionId);
  const channelId = idAfter(envelope.streamId, PREFIX.channel);
  if (channelId !== null) return fromChannel(envelope, channelId);
  const tripId = idAfter(envelope.streamId, PREFIX.trip);
  if (tripId !== null) return fromTrip(envelope, tripId);
  return null;
};

/** The deduplication id of a stored event: its stream and version (the same on every redelivery). */
export const deduplicationIdOf = (streamId: string, version: number): string => `${streamId}:${version}`;

/**
 * The integration message for one stored event, or null when its type is not published.
 * Throws `UnreadableEventError` for a published type it cannot translate.
 */
export const toIntegrationMessage = (envelope: EventEnvelope): IntegrationMessage | null => {
  const translated = translate(envelope);
  if (translated === null) return null;
  const eventId = deduplicationIdOf(envelope.streamId, envelope.version);
  const parsed = IntegrationEvent.safeParse({
    eventId,
    type: translated.type,
    schemaVersion: INTEGRATION_EVENT_SCHEMAS[translated.type].schemaVersion,
    source: { streamId: envelope.streamId, version: envelope.version },
    occurredAt: envelope.occurredAt,
    data: translated.data,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return unmappable(
      envelope,
      `does not fit the published ${translated.type} schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return {
    event: parsed.data,
    attributes: { eventType: translated.type, ...translated.attributes },
    groupId: envelope.streamId,
    deduplicationId: eventId,
  };
};
