import fc from 'fast-check';
import {
  minimumNextBid,
  type AuctionCommand,
  type AuctionEvent,
  type AuctionState,
} from '../../../src/domain/auction/index.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../../../src/domain/shared/ids.js';
import type { CommandRecipe } from '../decider-harness.js';

/** Ids every id schema accepts (resource ids are the narrowest: no `.` or `:`, a letter or digit first). */
export const id = <T extends string>() => fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$/).map((s) => s as T);
export const at = fc.nat({ max: 2_000_000_000 });
const money = fc.integer({ min: 1, max: 1_000_000_000_00 });

export type Arbitraries<E extends { type: string }> = {
  readonly [K in E['type']]: fc.Arbitrary<Extract<E, { type: K }>>;
};

/** One arbitrary per event type; the mapped type makes a forgotten event a compile error. */
export const auctionEventArbitraries: Arbitraries<AuctionEvent> = {
  AuctionOpened: fc.record({
    type: fc.constant('AuctionOpened'),
    data: fc.record({
      auctionId: id<AuctionId>(),
      channelId: id<ChannelId>(),
      sellerId: id<UserId>(),
      productId: id<ProductId>(),
      startingPrice: money,
      minIncrement: money,
      currency: fc.stringMatching(/^[A-Z]{3}$/),
      endsAt: at,
      extendWindowMs: fc.nat(),
      extendByMs: fc.nat(),
      maxExtensionMs: fc.nat(),
      openedAt: at,
    }),
  }),
  BidPlaced: fc.record({
    type: fc.constant('BidPlaced'),
    data: fc.record({ bidId: id<BidId>(), bidderId: id<UserId>(), amount: money, placedAt: at }),
  }),
  AuctionExtended: fc.record({
    type: fc.constant('AuctionExtended'),
    data: fc.record({ endsAt: at, byBidId: id<BidId>() }),
  }),
  AuctionClosed: fc.record({
    type: fc.constant('AuctionClosed'),
    data: fc.oneof(
      fc.record({
        outcome: fc.constant('SOLD' as const),
        winnerId: id<UserId>(),
        winningBidId: id<BidId>(),
        price: money,
        closedAt: at,
      }),
      fc.record({ outcome: fc.constant('NO_SALE' as const), closedAt: at }),
    ),
  }),
};

const bidders = ['alice', 'bob', 'carol', 'seller'] as UserId[];

/**
 * Auction commands over a small pool of bid ids shared by the bidders (so ids collide across
 * bidders, and retries happen) and times around the end
 * (so late bids, extensions and early closes happen). A bid's amount is aimed at the current
 * minimum plus a raise that is sometimes negative, so most bids are near the rule's edge.
 */
export const openAuctionCommand: fc.Arbitrary<AuctionCommand> = fc.record({
  type: fc.constant('OpenAuction' as const),
  auctionId: fc.constant('a1' as AuctionId),
  channelId: fc.constant('c1' as ChannelId),
  sellerId: fc.constant('seller' as UserId),
  productId: fc.constant('p1' as ProductId),
  startingPrice: fc.integer({ min: 1, max: 1000 }),
  minIncrement: fc.integer({ min: 1, max: 200 }),
  currency: fc.constant('KRW'),
  endsAt: fc.integer({ min: 20_000, max: 60_000 }),
  extendWindowMs: fc.integer({ min: 0, max: 10_000 }),
  extendByMs: fc.integer({ min: 0, max: 20_000 }),
  // Sometimes tight enough to stop extensions within a run, sometimes the default.
  maxExtensionMs: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }),
  at: fc.constant(0),
});

/**
 * Sends again a bid the auction already took, as a client retrying after a timeout would:
 * by the same bidder with the same amount, or (a misbehaving client) with another amount.
 */
const resentBid = fc
  .record({
    pick: fc.nat(),
    sameAmount: fc.boolean(),
    raise: fc.integer({ min: 1, max: 500 }),
    at: fc.integer({ min: 0, max: 70_000 }),
  })
  .map(({ pick, sameAmount, raise, at }) => (state: AuctionState): AuctionCommand => {
    const taken = state.status === 'NONE' ? [] : [...state.bids.values()];
    const earlier = taken[pick % Math.max(1, taken.length)];
    if (!earlier) return { type: 'PlaceBid', bidId: 'b0' as BidId, bidderId: 'alice' as UserId, amount: 1000, at };
    return {
      type: 'PlaceBid',
      bidId: earlier.bidId,
      bidderId: earlier.bidderId,
      amount: sameAmount ? earlier.amount : earlier.amount + raise,
      at,
    };
  });

export const auctionCommand: fc.Arbitrary<CommandRecipe<AuctionCommand, AuctionState>> = fc.oneof(
  { weight: 1, arbitrary: openAuctionCommand },
  {
    weight: 25,
    arbitrary: fc
      .record({
        bidId: fc.integer({ min: 0, max: 12 }).map((n) => `b${n}` as BidId),
        bidderId: fc.constantFrom(...bidders),
        raise: fc.integer({ min: -50, max: 500 }),
        at: fc.integer({ min: 0, max: 70_000 }),
      })
      .map(({ bidId, bidderId, raise, at }) => (state: AuctionState): AuctionCommand => ({
        type: 'PlaceBid',
        bidId,
        bidderId,
        amount: Math.max(1, (minimumNextBid(state) ?? 1000) + raise),
        at,
      })),
  },
  { weight: 4, arbitrary: resentBid },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('CloseAuction' as const), at: fc.integer({ min: 0, max: 120_000 }) }),
  },
);

/** A run of commands, which nine times in ten starts by opening the auction. */
export const auctionRun = fc
  .tuple(
    fc.nat({ max: 9 }),
    openAuctionCommand,
    fc.array(auctionCommand, { minLength: 1, maxLength: 50, size: 'medium' }),
  )
  .map(([dice, open, rest]): CommandRecipe<AuctionCommand, AuctionState>[] => (dice > 0 ? [open, ...rest] : rest));
