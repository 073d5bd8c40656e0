import { z } from 'zod';
import { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import { AuctionCloseMessage } from '../auction/auction-close-message.js';
import { BookingRequestMessage } from '../booking/booking-request-message.js';
import { PresenceMessage } from '../presence/presence-message.js';

/** The messages each queue carries, by a stable name, so a tool can tell whether a consumer can read a body. */
export const QUEUE_MESSAGE_SCHEMAS = {
  booking: BookingRequestMessage,
  'auction-close': AuctionCloseMessage,
  heartbeat: PresenceMessage,
  broadcast: BroadcastMessage,
} as const satisfies Record<string, z.ZodType>;

export const QueueMessageKind = z.enum(
  Object.keys(QUEUE_MESSAGE_SCHEMAS) as [keyof typeof QUEUE_MESSAGE_SCHEMAS, ...(keyof typeof QUEUE_MESSAGE_SCHEMAS)[]],
);
export type QueueMessageKind = z.infer<typeof QueueMessageKind>;

/** Why `body` cannot be read as a `kind` message (each failing field), or [] when it can. */
export const unreadableReasons = (kind: QueueMessageKind, body: string): string[] => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return ['body is not JSON'];
  }
  const parsed = QUEUE_MESSAGE_SCHEMAS[kind].safeParse(json);
  return parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`);
};
