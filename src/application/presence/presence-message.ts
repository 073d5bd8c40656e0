import { z } from 'zod';
import { ChannelId, SessionId, UserId } from '../../domain/shared/ids.js';

const Sequence = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const At = z.number().int().nonnegative();

/** One heartbeat, stamped with the receiving server's time (clients' clocks are not trusted). */
export const HeartbeatMessage = z.object({
  kind: z.literal('beat'),
  channelId: ChannelId,
  sessionId: SessionId,
  userId: UserId.nullable(),
  sequence: Sequence,
  at: At,
});
/** The viewer left (WebSocket closed): beats with a sequence up to `sequence` no longer count. */
export const SessionEndMessage = z.object({
  kind: z.literal('end'),
  channelId: ChannelId,
  sessionId: SessionId,
  sequence: Sequence,
  at: At,
});
/**
 * "Count this channel again at `dueAt`": sent by the consumer to itself with an SQS delay, so a
 * count change deferred by the rate limit, or viewers expiring when no beats arrive, is
 * noticed without a timer (a Lambda has none between invocations).
 */
export const RecountMessage = z.object({ kind: z.literal('recount'), channelId: ChannelId, dueAt: At });

/** What travels on the heartbeat queue (SQS standard: at least once, any order). */
export const PresenceMessage = z.discriminatedUnion('kind', [HeartbeatMessage, SessionEndMessage, RecountMessage]);
export type PresenceMessage = z.infer<typeof PresenceMessage>;
export type HeartbeatMessage = z.infer<typeof HeartbeatMessage>;

/** The sequence that ends a session for good: a left session never counts again (join with a new session id). */
export const SESSION_OVER = Number.MAX_SAFE_INTEGER;
