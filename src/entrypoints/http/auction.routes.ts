import { z } from 'zod';
import type { AuctionView } from '../../application/auction/auction-view.js';
import type { OpenAuctionInput } from '../../application/auction/open-auction.js';
import type { PlaceBidInput, PlaceBidResult } from '../../application/auction/place-bid.js';
import { Money } from '../../domain/auction/index.js';
import { AuctionId, BidId, ChannelId, ProductId, UserId } from '../../domain/shared/ids.js';
import { actorOf, json, pathParam, readBody, route, type ApiRoutes } from './api-route.js';

export interface AuctionRoutesDeps {
  readonly openAuction: (input: OpenAuctionInput) => Promise<AuctionView>;
  readonly placeBid: (input: PlaceBidInput) => Promise<PlaceBidResult>;
  readonly getAuction: (auctionId: AuctionId) => Promise<AuctionView>;
  readonly now: () => number;
  readonly onUnexpected: (error: unknown) => void;
}

/** Longest auction accepted (the close is re-scheduled every 15 minutes until then). */
const MAX_DURATION_SECONDS = 7 * 24 * 3600;
/** Largest anti-sniping bound a seller may set. */
const MAX_EXTENSION_SECONDS = 24 * 3600;

export const OpenAuctionBody = z
  .object({
    auctionId: AuctionId.optional(),
    productId: ProductId,
    startingPrice: Money,
    minIncrement: Money,
    /** Either an end time (epoch ms)… */
    endsAt: z.number().int().positive().optional(),
    /** …or a duration from now. */
    durationSeconds: z.number().int().min(1).max(MAX_DURATION_SECONDS).optional(),
    extendWindowSeconds: z.number().int().min(0).max(3600).optional(),
    extendBySeconds: z.number().int().min(0).max(3600).optional(),
    /** Bound on all extensions together (default 600 s); at most a day past the end. */
    maxExtensionSeconds: z.number().int().min(0).max(MAX_EXTENSION_SECONDS).optional(),
  })
  .refine((b) => (b.endsAt === undefined) !== (b.durationSeconds === undefined), {
    message: 'give exactly one of endsAt (epoch ms) or durationSeconds',
    path: ['endsAt'],
  });
/** `bidderId` is accepted for older clients and IGNORED: the bidder is always the token's subject. */
export const BidBody = z.object({ bidId: BidId, amount: Money, bidderId: UserId.optional() });

/**
 * F7 routes. The channel's seller opens an auction on a product the channel lists (403
 * otherwise); bids come here or as WebSocket `bid` frames, always in the name of the verified
 * caller (401 without a token), within a per-user bid budget (429 with Retry-After).
 */
export const makeAuctionRoutes = (deps: AuctionRoutesDeps): ApiRoutes => {
  const wrap = (handler: Parameters<typeof route>[0]) => route(handler, deps.onUnexpected);
  return {
    'POST /api/channels/{channelId}/auctions': wrap(async (event) => {
      const channelId = pathParam(event, 'channelId', ChannelId);
      const body = readBody(event, OpenAuctionBody);
      const endsAt = body.endsAt ?? deps.now() + (body.durationSeconds ?? 0) * 1000;
      const view = await deps.openAuction({
        actor: actorOf(event),
        channelId,
        productId: body.productId,
        startingPrice: body.startingPrice,
        minIncrement: body.minIncrement,
        endsAt,
        ...(body.auctionId ? { auctionId: body.auctionId } : {}),
        ...(body.extendWindowSeconds !== undefined ? { extendWindowMs: body.extendWindowSeconds * 1000 } : {}),
        ...(body.extendBySeconds !== undefined ? { extendByMs: body.extendBySeconds * 1000 } : {}),
        ...(body.maxExtensionSeconds !== undefined ? { maxExtensionMs: body.maxExtensionSeconds * 1000 } : {}),
      });
      return json(201, view);
    }),
    'POST /api/auctions/{auctionId}/bids': wrap(async (event) => {
      const auctionId = pathParam(event, 'auctionId', AuctionId);
      const body = readBody(event, BidBody);
      const result = await deps.placeBid({ auctionId, bidId: body.bidId, actor: actorOf(event), amount: body.amount });
      // A retry answers 200 with the same body a first placement answers 201 with.
      return json(result.retried ? 200 : 201, result);
    }),
    'GET /api/auctions/{auctionId}': wrap(async (event) =>
      json(200, await deps.getAuction(pathParam(event, 'auctionId', AuctionId))),
    ),
  };
};
