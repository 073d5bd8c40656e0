import { z } from 'zod';
import { defineEvent, type EventsOf } from '../shared/codec.js';
import { AuctionId, BidId, ChannelId, ProductId, UserId } from '../shared/ids.js';

/** Money is an integer count of the currency's minor unit (cents), never a float. */
export const Money = z.number().int().positive().max(1_000_000_000_00);

/**
 * The bound on anti-sniping when the seller names none: the end moves at most this far past
 * the end the auction opened with, so a stream of late bids cannot keep it open for ever.
 */
export const DEFAULT_MAX_EXTENSION_MS = 10 * 60_000;

export const AuctionOpened = defineEvent(
  'AuctionOpened',
  z.object({
    auctionId: AuctionId,
    channelId: ChannelId,
    sellerId: UserId,
    productId: ProductId,
    startingPrice: Money,
    minIncrement: Money,
    currency: z.string().regex(/^[A-Z]{3}$/),
    endsAt: z.number().int().nonnegative(),
    /** A bid placed within this many ms of the end pushes the end out (anti-sniping). */
    extendWindowMs: z.number().int().nonnegative(),
    /** How far past the late bid the end moves. */
    extendByMs: z.number().int().nonnegative(),
    /** The most all extensions together may add to `endsAt` (the end as opened). */
    maxExtensionMs: z.number().int().nonnegative(),
    openedAt: z.number().int().nonnegative(),
  }),
  {
    schemaVersion: 3,
    upcasters: {
      // v1 had no anti-sniping: such auctions never extend.
      1: (old) => ({ extendWindowMs: 0, extendByMs: 0, ...(old as object) }),
      // v2 extensions were unbounded; an auction opened then gets the default bound, which is
      // what ends the "late bids keep it open for ever" failure for auctions already running.
      2: (old) => ({ maxExtensionMs: DEFAULT_MAX_EXTENSION_MS, ...(old as object) }),
    },
  },
);

export const BidPlaced = defineEvent(
  'BidPlaced',
  z.object({ bidId: BidId, bidderId: UserId, amount: Money, placedAt: z.number().int().nonnegative() }),
);

export const AuctionExtended = defineEvent(
  'AuctionExtended',
  z.object({ endsAt: z.number().int().nonnegative(), byBidId: BidId }),
);

export const AuctionClosed = defineEvent(
  'AuctionClosed',
  z.discriminatedUnion('outcome', [
    z.object({
      outcome: z.literal('SOLD'),
      winnerId: UserId,
      winningBidId: BidId,
      price: Money,
      /**
       * Since v2: the currency of `price` (the auction's, from AuctionOpened), so a close is a
       * complete fact on its own — the integration event for payments is mapped from this one
       * event. Absent on closes stored as v1 (no upcaster can know it).
       */
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .optional(),
      closedAt: z.number().int(),
    }),
    z.object({ outcome: z.literal('NO_SALE'), closedAt: z.number().int() }),
  ]),
  // v1 → v2 only adds the optional currency: a v1 body is a valid v2 body.
  { schemaVersion: 2, upcasters: { 1: (old) => old } },
);

export const auctionEventDefinitions = [AuctionOpened, BidPlaced, AuctionExtended, AuctionClosed] as const;
/** Derived from the definitions: an event missing from the array is missing from the union. */
export type AuctionEvent = EventsOf<typeof auctionEventDefinitions>;
