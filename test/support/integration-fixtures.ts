import type { IntegrationMessage } from '../../src/application/integration/integration-events.js';
import { toIntegrationMessage } from '../../src/application/integration/integration-mapping.js';
import type { EventEnvelope } from '../../src/domain/shared/envelope.js';

/** Stored events of the six published types, as the event store holds them (test fixtures). */
const stored = (streamId: string, version: number, type: string, data: unknown, extra: Partial<EventEnvelope> = {}) =>
  ({
    streamId,
    version,
    eventId: `${streamId}-${version}`,
    type,
    schemaVersion: 1,
    occurredAt: 1_700_000_000_000 + version,
    data,
    ...extra,
  }) satisfies EventEnvelope;

export const auctionClosedSold = (auctionId: string, version: number, winnerId = 'alice'): EventEnvelope =>
  stored(
    `auction-${auctionId}`,
    version,
    'AuctionClosed',
    { outcome: 'SOLD', winnerId, winningBidId: `bid-${version}`, price: 1_500, currency: 'KRW', closedAt: 60_000 },
    { schemaVersion: 2, channelId: 'c1' },
  );
export const auctionClosedNoSale = (auctionId: string, version: number): EventEnvelope =>
  stored(
    `auction-${auctionId}`,
    version,
    'AuctionClosed',
    { outcome: 'NO_SALE', closedAt: 60_000 },
    { schemaVersion: 2, channelId: 'c1' },
  );
export const bidPlaced = (auctionId: string, version: number): EventEnvelope =>
  stored(
    `auction-${auctionId}`,
    version,
    'BidPlaced',
    { bidId: `b${version}`, bidderId: 'bob', amount: 1_000 + version, placedAt: version },
    { channelId: 'c1' },
  );
export const bookingConfirmed = (tripId: string, version: number): EventEnvelope =>
  stored(`trip-${tripId}`, version, 'BookingConfirmed', {
    requestId: `req-${version}`,
    passengerId: `p${version}`,
    seatNumbers: [version],
    at: version,
  });
export const bookingRejected = (tripId: string, version: number): EventEnvelope =>
  stored(`trip-${tripId}`, version, 'BookingRejected', {
    requestId: `req-${version}`,
    passengerId: `p${version}`,
    reason: 'SOLD_OUT',
    at: version,
  });
export const bookingCancelled = (tripId: string, version: number): EventEnvelope =>
  stored(`trip-${tripId}`, version, 'BookingCancelled', { requestId: `req-${version}`, seatNumbers: [1], at: version });
export const liveStarted = (channelId: string, version: number): EventEnvelope =>
  stored(`channel-${channelId}`, version, 'LiveStarted', { startedAt: version }, { channelId });
export const liveEnded = (channelId: string, version: number): EventEnvelope =>
  stored(`channel-${channelId}`, version, 'LiveEnded', { endedAt: version }, { channelId });

/** The message of a published type (throws for one that maps to nothing: a fixture bug). */
export const messageOf = (envelope: EventEnvelope): IntegrationMessage => {
  const message = toIntegrationMessage(envelope);
  if (!message) throw new Error(`${envelope.type} is not published`);
  return message;
};
