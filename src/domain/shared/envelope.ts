import { z } from 'zod';

/**
 * A stored event: the domain event plus the metadata that makes it an entry of a stream.
 * `version` runs 1, 2, 3… per stream with no gap; `schemaVersion` is the shape of `data`.
 */
export const EventEnvelope = z.object({
  streamId: z.string().min(1),
  version: z.number().int().positive(),
  eventId: z.string().min(1),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  occurredAt: z.number().int().nonnegative(),
  data: z.unknown(),
  correlationId: z.string().optional(),
  causationId: z.string().optional(),
  /**
   * The live channel this event concerns, if any. Stored with every event of a channel-related
   * stream (the channel's own and its auctions'), so the relay can route an event such as
   * `BidPlaced`, whose body does not name the channel, without reading other items.
   */
  channelId: z.string().optional(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** What an appender supplies; the store assigns `version`. */
export type NewEvent = Omit<EventEnvelope, 'version' | 'streamId'>;
