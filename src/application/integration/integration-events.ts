import { z } from 'zod';

/**
 * The published language of Stampede (docs/INTEGRATION.md): the facts other systems may
 * subscribe to, as they see them on the integration topic. These schemas are a contract of
 * their own, kept apart from the domain events on purpose: a domain event may change shape
 * (with an upcaster) without breaking a subscriber; an integration event changes only by a
 * new `schemaVersion` published beside the old one. Never import a domain schema here.
 *
 * Every message body is one `IntegrationEvent`: an envelope naming the source (stream and
 * version, which is also the deduplication id) and the type's `data`. JSON Schema for each type
 * is generated into docs/integration/ (`npm run gen:integration-schemas`).
 */

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);
/** Milliseconds since the epoch. */
const EpochMs = z.number().int().nonnegative();
/** ISO 4217 code. */
const Currency = z.string().regex(/^[A-Z]{3}$/);
/** An amount in the currency's minor unit (cents, won…), never a float. */
const MinorUnits = z.number().int().positive();

export const AuctionClosedV1 = z.discriminatedUnion('outcome', [
  z.object({
    auctionId: Id,
    channelId: Id,
    outcome: z.literal('SOLD'),
    winner: z.object({ userId: z.string().min(1), bidId: z.string().min(1) }),
    price: z.object({ amount: MinorUnits, currency: Currency }),
    closedAt: EpochMs,
  }),
  z.object({ auctionId: Id, channelId: Id, outcome: z.literal('NO_SALE'), closedAt: EpochMs }),
]);
export const BookingConfirmedV1 = z.object({
  tripId: Id,
  requestId: Id,
  passengerId: z.string().min(1),
  seatNumbers: z.array(z.number().int().positive()).min(1),
  confirmedAt: EpochMs,
});
export const BookingRejectedV1 = z.object({
  tripId: Id,
  requestId: Id,
  passengerId: z.string().min(1),
  /** Open for new reasons: a subscriber must treat an unknown one as a plain rejection. */
  reason: z.string().min(1),
  rejectedAt: EpochMs,
});
export const BookingCancelledV1 = z.object({
  tripId: Id,
  requestId: Id,
  seatNumbers: z.array(z.number().int().positive()).min(1),
  cancelledAt: EpochMs,
});
export const LiveStartedV1 = z.object({ channelId: Id, startedAt: EpochMs });
export const LiveEndedV1 = z.object({ channelId: Id, endedAt: EpochMs });

/** Each published type at its current schema version. A new version is a new entry beside the old one. */
export const INTEGRATION_EVENT_SCHEMAS = {
  AuctionClosed: { schemaVersion: 1, data: AuctionClosedV1 },
  BookingConfirmed: { schemaVersion: 1, data: BookingConfirmedV1 },
  BookingRejected: { schemaVersion: 1, data: BookingRejectedV1 },
  BookingCancelled: { schemaVersion: 1, data: BookingCancelledV1 },
  LiveStarted: { schemaVersion: 1, data: LiveStartedV1 },
  LiveEnded: { schemaVersion: 1, data: LiveEndedV1 },
} as const;
export type IntegrationEventType = keyof typeof INTEGRATION_EVENT_SCHEMAS;
export const INTEGRATION_EVENT_TYPES = Object.keys(INTEGRATION_EVENT_SCHEMAS) as IntegrationEventType[];

const envelopeOf = <T extends IntegrationEventType>(type: T) =>
  z.object({
    /** `<streamId>:<version>`: unique per fact, equal on every redelivery; the topic's deduplication id. */
    eventId: z.string().min(3).max(128),
    type: z.literal(type),
    schemaVersion: z.literal(INTEGRATION_EVENT_SCHEMAS[type].schemaVersion),
    /** Where the fact is recorded: events of one stream are published in `version` order (one message group). */
    source: z.object({ streamId: z.string().min(1).max(128), version: z.number().int().positive() }),
    occurredAt: EpochMs,
    data: INTEGRATION_EVENT_SCHEMAS[type].data as (typeof INTEGRATION_EVENT_SCHEMAS)[T]['data'],
  });

/** One schema per published type (envelope + data), the source of the JSON Schema files. */
export const INTEGRATION_EVENT_MESSAGE_SCHEMAS = {
  AuctionClosed: envelopeOf('AuctionClosed'),
  BookingConfirmed: envelopeOf('BookingConfirmed'),
  BookingRejected: envelopeOf('BookingRejected'),
  BookingCancelled: envelopeOf('BookingCancelled'),
  LiveStarted: envelopeOf('LiveStarted'),
  LiveEnded: envelopeOf('LiveEnded'),
} as const satisfies Record<IntegrationEventType, z.ZodType>;

export const IntegrationEvent = z.discriminatedUnion('type', [
  INTEGRATION_EVENT_MESSAGE_SCHEMAS.AuctionClosed,
  INTEGRATION_EVENT_MESSAGE_SCHEMAS.BookingConfirmed,
  INTEGRATION_EVENT_MESSAGE_SCHEMAS.BookingRejected,
  INTEGRATION_EVENT_MESSAGE_SCHEMAS.BookingCancelled,
  INTEGRATION_EVENT_MESSAGE_SCHEMAS.LiveStarted,
  INTEGRATION_EVENT_MESSAGE_SCHEMAS.LiveEnded,
]);
export type IntegrationEvent = z.infer<typeof IntegrationEvent>;

/**
 * Message attributes subscribers filter on (SNS filter policies, scope MessageAttributes). All
 * strings; an attribute that does not apply is absent (filter with `{"exists": false}`).
 */
export const INTEGRATION_ATTRIBUTE_NAMES = ['eventType', 'outcome', 'channelId', 'tripId', 'currency'] as const;
export type IntegrationAttributeName = (typeof INTEGRATION_ATTRIBUTE_NAMES)[number];
export type IntegrationAttributes = Partial<Record<IntegrationAttributeName, string>> & { readonly eventType: string };

/** What the publisher port sends: the event, its attributes, its FIFO group and deduplication id. */
export interface IntegrationMessage {
  readonly event: IntegrationEvent;
  readonly attributes: IntegrationAttributes;
  /** The source stream: SNS FIFO delivers one group in order. */
  readonly groupId: string;
  /** `<streamId>:<version>`: a redelivered stream record publishes nothing new within the window. */
  readonly deduplicationId: string;
}

/** The message body on the wire (raw message delivery hands subscribers exactly this). */
export const integrationMessageBody = (message: IntegrationMessage): string => JSON.stringify(message.event);
