import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTEGRATION_SCHEMA_DIR, renderIntegrationSchemas } from '../../../scripts/integration-schemas.js';
import { IntegrationEvent, INTEGRATION_EVENT_TYPES } from '../../../src/application/integration/integration-events.js';
import { toIntegrationMessage } from '../../../src/application/integration/integration-mapping.js';
import { UnreadableEventError } from '../../../src/domain/shared/faults.js';
import {
  auctionClosedNoSale,
  auctionClosedSold,
  bidPlaced,
  bookingCancelled,
  bookingConfirmed,
  bookingRejected,
  liveEnded,
  liveStarted,
  messageOf,
} from '../../support/integration-fixtures.js';

describe('published language: the JSON Schema files', () => {
  it('docs/integration/ holds exactly the schemas generated from the zod schemas (npm run gen:integration-schemas)', () => {
    const wanted = renderIntegrationSchemas();
    const root = join(import.meta.dirname, '../../..', INTEGRATION_SCHEMA_DIR);
    const present = readdirSync(root).filter((f) => f.endsWith('.schema.json'));
    expect(present.sort()).toEqual(Object.keys(wanted).sort());
    for (const [file, text] of Object.entries(wanted)) expect(readFileSync(join(root, file), 'utf8'), file).toBe(text);
    expect(Object.keys(wanted)).toHaveLength(INTEGRATION_EVENT_TYPES.length);
  });
});

describe('the one mapping from stored events (toIntegrationMessage)', () => {
  it('AuctionClosed with a winner: winner, price with currency; group = stream, dedup id = stream + version; filter attributes', () => {
    const m = messageOf(auctionClosedSold('a1', 7));
    expect(m).toEqual({
      event: {
        eventId: 'auction-a1:7',
        type: 'AuctionClosed',
        schemaVersion: 1,
        source: { streamId: 'auction-a1', version: 7 },
        occurredAt: 1_700_000_000_007,
        data: {
          auctionId: 'a1',
          channelId: 'c1',
          outcome: 'SOLD',
          winner: { userId: 'alice', bidId: 'bid-7' },
          price: { amount: 1_500, currency: 'KRW' },
          closedAt: 60_000,
        },
      },
      attributes: { eventType: 'AuctionClosed', outcome: 'SOLD', channelId: 'c1', currency: 'KRW' },
      groupId: 'auction-a1',
      deduplicationId: 'auction-a1:7',
    });
    expect(IntegrationEvent.parse(JSON.parse(JSON.stringify(m.event)))).toEqual(m.event);
  });

  it('maps every published type, with the attribute that names its aggregate', () => {
    expect(messageOf(auctionClosedNoSale('a2', 3)).attributes).toEqual({
      eventType: 'AuctionClosed',
      outcome: 'NO_SALE',
      channelId: 'c1',
    });
    expect(messageOf(bookingConfirmed('t1', 2)).event.data).toEqual({
      tripId: 't1',
      requestId: 'req-2',
      passengerId: 'p2',
      seatNumbers: [2],
      confirmedAt: 2,
    });
    expect(messageOf(bookingRejected('t1', 3)).event.data).toMatchObject({ reason: 'SOLD_OUT', rejectedAt: 3 });
    expect(messageOf(bookingCancelled('t1', 4)).event.data).toEqual({
      tripId: 't1',
      requestId: 'req-4',
      seatNumbers: [1],
      cancelledAt: 4,
    });
    for (const m of [bookingConfirmed('t1', 2), bookingRejected('t1', 3), bookingCancelled('t1', 4)].map(messageOf))
      expect(m.attributes).toEqual({ eventType: m.event.type, tripId: 't1' });
    expect(messageOf(liveStarted('c9', 2)).event.data).toEqual({ channelId: 'c9', startedAt: 2 });
    expect(messageOf(liveEnded('c9', 3)).attributes).toEqual({ eventType: 'LiveEnded', channelId: 'c9' });
  });

  it('events of unpublished types and other streams map to nothing', () => {
    expect(toIntegrationMessage(bidPlaced('a1', 2))).toBeNull();
    expect(toIntegrationMessage({ ...liveStarted('c1', 1), type: 'ChannelScheduled' })).toBeNull();
    expect(toIntegrationMessage({ ...bookingConfirmed('t1', 1), streamId: 'session-x' })).toBeNull();
  });

  it('a published type it cannot translate is a fault naming the stream and version, never a guess', () => {
    const v1Close = {
      ...auctionClosedSold('a1', 5),
      schemaVersion: 1,
      data: { outcome: 'SOLD', winnerId: 'alice', winningBidId: 'b', price: 10, closedAt: 1 },
    };
    expect(() => toIntegrationMessage(v1Close)).toThrow(UnreadableEventError);
    expect(() => toIntegrationMessage(v1Close)).toThrow(/auction-a1 v5: .*names no currency/);
    const withoutChannel = { ...auctionClosedSold('a1', 5) };
    delete (withoutChannel as { channelId?: string }).channelId;
    expect(() => toIntegrationMessage(withoutChannel)).toThrow(/channelId/);
    expect(() => toIntegrationMessage({ ...bookingConfirmed('t1', 1), data: { requestId: 'r' } })).toThrow(
      UnreadableEventError,
    );
    // A v1 close of an auction that sold nothing needs no currency: it still maps.
    expect(toIntegrationMessage({ ...auctionClosedNoSale('a3', 2), schemaVersion: 1 })?.event.type).toBe(
      'AuctionClosed',
    );
  });
});
