import { z } from 'zod';
import type { PlaceBidInput, PlaceBidResult } from '../../application/auction/place-bid.js';
import { Money } from '../../domain/auction/index.js';
import { AuctionId, BidId } from '../../domain/shared/ids.js';
import { defineWsAction, type WsAction } from '../handlers/ws-actions.js';

export const BidFrame = z.object({ action: z.literal('bid'), auctionId: AuctionId, amount: Money, bidId: BidId });

/**
 * `{action:'bid', auctionId, amount, bidId}` from a signed-in viewer (the bidder is the
 * connection's verified user; a `bidderId` in the frame is stripped by the schema), answered
 * `{type:'bid-accepted', …}` with the fields of the HTTP answer (`retried: true` for a retry of
 * an accepted bid), or an error frame such as BID_TOO_LOW with the minimum or BID_ID_REUSED. Everyone,
 * the bidder included, sees the new highest bid come through the feed.
 */
export const auctionWsActions = (deps: {
  readonly placeBid: (input: PlaceBidInput) => Promise<PlaceBidResult>;
}): WsAction[] => [
  defineWsAction({
    action: 'bid',
    schema: BidFrame,
    async handle(frame, ctx) {
      const result = await deps.placeBid({
        auctionId: frame.auctionId,
        bidId: frame.bidId,
        actor: ctx.actor,
        amount: frame.amount,
        connectionId: ctx.connectionId,
      });
      // The HTTP answer's body as a frame, so a retry reads the same on both.
      await ctx.reply({ type: 'bid-accepted', ...result });
    },
  }),
];
