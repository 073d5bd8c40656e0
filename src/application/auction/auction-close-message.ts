import { z } from 'zod';
import { AuctionId, ChannelId } from '../../domain/shared/ids.js';

/**
 * A scheduler-queue message: "look at this auction again at `endsAt`". SQS delays a message
 * by at most 15 minutes, so a far end is reached hop by hop; `hop` only serves the logs.
 * Delivery is at least once and a late bid may move the end, so the consumer always decides
 * from the auction's state, never from this message alone.
 */
export const AuctionCloseMessage = z.object({
  auctionId: AuctionId,
  channelId: ChannelId,
  endsAt: z.number().int().nonnegative(),
  hop: z.number().int().positive(),
});
export type AuctionCloseMessage = z.infer<typeof AuctionCloseMessage>;
