import { z } from 'zod';
import { ChannelId, SessionId } from '../../domain/shared/ids.js';

const Sequence = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const At = z.number().int().nonnegative();
const SubPartition = z.number().int().nonnegative().max(9_999);

/**
 * One accepted beacon on the presence stream (partition key `<channel>#<k>`). `at` is the
 * edge's receive time (CloudFront's log timestamp, or the local runtime's clock), never the
 * player's clock.
 */
export const BeatRecord = z.object({
  kind: z.literal('beat'),
  channelId: ChannelId,
  k: SubPartition,
  sessionId: SessionId,
  sequence: Sequence,
  at: At,
  /** The end beacon: the session stops counting at `at` (unless a newer beat already passed it). */
  end: z.literal(true).optional(),
});
/**
 * "Look at sub-partition k again": the aggregator puts one on its own partition key after a
 * flush that leaves viewers counted (or a deferred publish), so expiries are noticed when no
 * beat arrives at all — a Lambda has no timer between invocations and Kinesis has no delay.
 */
export const TickRecord = z.object({ kind: z.literal('tick'), channelId: ChannelId, k: SubPartition, at: At });
export const PresenceStreamRecord = z.discriminatedUnion('kind', [BeatRecord, TickRecord]);
export type BeatRecord = z.infer<typeof BeatRecord>;
export type TickRecord = z.infer<typeof TickRecord>;
export type PresenceStreamRecord = z.infer<typeof PresenceStreamRecord>;
