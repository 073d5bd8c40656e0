import { describe, it } from 'vitest';
import { auctionDecider, DEFAULT_MAX_EXTENSION_MS, type AuctionEvent } from '../../../src/domain/auction/index.js';
import type { BidId, UserId } from '../../../src/domain/shared/ids.js';
import { deciderSpec } from '../../support/decider-spec.js';
import { bid, closeAuction, extended, openAuction, opened, placeBid } from './auction.fixtures.js';

const spec = deciderSpec(auctionDecider);
const closed = (at: number): AuctionEvent => ({ type: 'AuctionClosed', data: { outcome: 'NO_SALE', closedAt: at } });

describe('Auction: opening', () => {
  it('opens with the given terms', () => {
    spec.given([]).when(openAuction).then([opened]);
  });
  it('defaults to no anti-sniping when no extension is given', () => {
    const { extendWindowMs: _w, extendByMs: _b, ...plain } = openAuction;
    spec
      .given([])
      .when(plain)
      .then([{ ...opened, data: { ...opened.data, extendWindowMs: 0, extendByMs: 0 } } as AuctionEvent]);
  });
  it('bounds the extensions by DEFAULT_MAX_EXTENSION_MS when no bound is given', () => {
    const { maxExtensionMs: _m, ...unbounded } = openAuction;
    spec
      .given([])
      .when(unbounded)
      .then([{ ...opened, data: { ...opened.data, maxExtensionMs: DEFAULT_MAX_EXTENSION_MS } } as AuctionEvent]);
  });
  it('opening twice is idempotent', () => {
    spec.given([opened]).when(openAuction).thenNothingHappens();
  });
  it('opening again after close is still idempotent', () => {
    spec
      .given([opened, closed(60_000)])
      .when(openAuction)
      .thenNothingHappens();
  });
  it('refuses another auction on the same stream with AUCTION_ALREADY_OPEN', () => {
    spec
      .given([opened])
      .when({ ...openAuction, sellerId: 'someone-else' as UserId })
      .thenFails('AUCTION_ALREADY_OPEN');
  });
  it.each([
    ['a zero starting price', { startingPrice: 0 }],
    ['a fractional increment', { minIncrement: 1.5 }],
    ['an end before the opening', { endsAt: 0 }],
    ['a lower-case currency', { currency: 'krw' }],
    ['a negative extension window', { extendWindowMs: -1 }],
    ['a negative extension bound', { maxExtensionMs: -1 }],
    ['a fractional extension bound', { maxExtensionMs: 0.5 }],
  ])('refuses %s with INVALID_TERMS', (_name, change) => {
    spec
      .given([])
      .when({ ...openAuction, ...change })
      .thenFails('INVALID_TERMS');
  });
});

describe('Auction: bidding', () => {
  it('accepts a first bid at the starting price', () => {
    spec
      .given([opened])
      .when(placeBid('b1', 'alice', 1000, 1000))
      .then([bid('b1', 'alice', 1000, 1000)]);
  });
  it('rejects a first bid below the starting price with BID_TOO_LOW', () => {
    spec
      .given([opened])
      .when(placeBid('b1', 'alice', 999, 1000))
      .thenFails('BID_TOO_LOW');
  });
  it('accepts a bid of exactly highest + increment', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 1)])
      .when(placeBid('b2', 'bob', 1100, 2))
      .then([bid('b2', 'bob', 1100, 2)]);
  });
  it('rejects a bid below highest + increment', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 1)])
      .when(placeBid('b2', 'bob', 1099, 2))
      .thenFails('BID_TOO_LOW');
  });
  it('rejects a fractional amount with INVALID_BID', () => {
    spec
      .given([opened])
      .when(placeBid('b1', 'alice', 1000.5, 1))
      .thenFails('INVALID_BID');
  });
  it('accepts a retried bid once', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 1)])
      .when(placeBid('b1', 'alice', 1000, 1))
      .thenNothingHappens();
  });
  it('a retry stays a retry after the bid was outbid (the bidder learns the current highest elsewhere)', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 1), bid('b2', 'bob', 1100, 2)])
      .when(placeBid('b1', 'alice', 1000, 3))
      .thenNothingHappens();
  });
  it('a retried bid yields nothing even after the auction closed', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 1), closed(60_000)])
      .when(placeBid('b1', 'alice', 1000, 1))
      .thenNothingHappens();
  });
  it('the seller cannot bid: SELLER_CANNOT_BID', () => {
    spec
      .given([opened])
      .when(placeBid('b1', 'seller', 5000, 1))
      .thenFails('SELLER_CANNOT_BID');
  });
  it('a bid before the auction opened fails with AUCTION_NOT_FOUND', () => {
    spec
      .given([])
      .when(placeBid('b1', 'alice', 1000, 1))
      .thenFails('AUCTION_NOT_FOUND');
  });
  it('a bid at the end time fails with AUCTION_ENDED', () => {
    spec
      .given([opened])
      .when(placeBid('b1', 'alice', 1000, 60_000))
      .thenFails('AUCTION_ENDED');
  });
  it('a bid after the end time fails with AUCTION_ENDED', () => {
    spec
      .given([opened])
      .when(placeBid('b1', 'alice', 1000, 70_000))
      .thenFails('AUCTION_ENDED');
  });
  it('a new bid after the close fails with AUCTION_CLOSED', () => {
    spec
      .given([opened, closed(60_000)])
      .when(placeBid('b9', 'alice', 1000, 60_001))
      .thenFails('AUCTION_CLOSED');
  });
});

describe('Auction: bid identity is (bidder, bidId)', () => {
  it("another bidder's bid under an id already used is that bidder's own new bid", () => {
    spec
      .given([opened, bid('b-1', 'mallory', 1000, 1)])
      .when(placeBid('b-1', 'alice', 5000, 2))
      .then([bid('b-1', 'alice', 5000, 2)]);
  });
  it("another bidder's bid under a used id is judged by the rules like any new bid", () => {
    spec
      .given([opened, bid('b-1', 'mallory', 1000, 1)])
      .when(placeBid('b-1', 'alice', 1050, 2))
      .thenFails('BID_TOO_LOW');
  });
  it('after two bidders used the same id, each one retrying is a retry of their own bid', () => {
    const given = [opened, bid('b-1', 'mallory', 1000, 1), bid('b-1', 'alice', 5000, 2)];
    spec
      .given(given)
      .when(placeBid('b-1', 'mallory', 1000, 3))
      .thenNothingHappens();
    spec
      .given(given)
      .when(placeBid('b-1', 'alice', 5000, 3))
      .thenNothingHappens();
  });
  it('the same bidder reusing an id with another amount fails with BID_ID_REUSED', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 1)])
      .when(placeBid('b1', 'alice', 2000, 2))
      .thenFails('BID_ID_REUSED');
  });
  it('a reused id with a lower amount fails with BID_ID_REUSED, not BID_TOO_LOW', () => {
    spec
      .given([opened, bid('b1', 'alice', 1500, 1)])
      .when(placeBid('b1', 'alice', 1000, 2))
      .thenFails('BID_ID_REUSED');
  });
  it('a reused id with another amount after the close still fails with BID_ID_REUSED', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 1), closed(60_000)])
      .when(placeBid('b1', 'alice', 1200, 60_001))
      .thenFails('BID_ID_REUSED');
  });
});

describe('Auction: anti-sniping', () => {
  /** Three late bids: 60 s → 70 s → 80 s → 90 s, the last capped (the bound is 60 s + 30 s). */
  const atTheBound = [
    opened,
    bid('b1', 'alice', 1000, 55_000),
    extended(70_000, 'b1'),
    bid('b2', 'bob', 1100, 65_000),
    extended(80_000, 'b2'),
    bid('b3', 'carol', 1200, 78_000),
    extended(90_000, 'b3'),
  ];

  it('a bid inside the window extends the end to extendBy after the bid', () => {
    spec
      .given([opened])
      .when(placeBid('b1', 'alice', 1000, 55_000))
      .then([bid('b1', 'alice', 1000, 55_000), extended(70_000, 'b1')]);
  });
  it('a bid exactly at the window edge extends', () => {
    spec
      .given([opened])
      .when(placeBid('b1', 'alice', 1000, 50_000))
      .then([bid('b1', 'alice', 1000, 50_000), extended(65_000, 'b1')]);
  });
  it('a bid before the window does not extend', () => {
    spec
      .given([opened])
      .when(placeBid('b1', 'alice', 1000, 49_999))
      .then([bid('b1', 'alice', 1000, 49_999)]);
  });
  it('the extended end accepts bids the original end would have refused', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 55_000), extended(70_000, 'b1')])
      .when(placeBid('b2', 'bob', 1100, 65_000))
      .then([bid('b2', 'bob', 1100, 65_000), extended(80_000, 'b2')]);
  });
  it('never moves the end earlier', () => {
    const wide: AuctionEvent = {
      ...opened,
      data: { ...opened.data, extendWindowMs: 30_000, extendByMs: 5_000 },
    } as AuctionEvent;
    spec
      .given([wide])
      .when(placeBid('b1', 'alice', 1000, 40_000))
      .then([bid('b1', 'alice', 1000, 40_000)]);
  });
  it('an extension stops at the bound: the end as opened plus maxExtensionMs', () => {
    spec
      .given(atTheBound.slice(0, 5))
      .when(placeBid('b3', 'carol', 1200, 78_000))
      .then([bid('b3', 'carol', 1200, 78_000), extended(90_000, 'b3')]);
  });
  it('once the end reached the bound, late bids are taken but extend no more', () => {
    spec
      .given(atTheBound)
      .when(placeBid('b4', 'alice', 1300, 89_999))
      .then([bid('b4', 'alice', 1300, 89_999)]);
  });
  it('a bid at the bound fails with AUCTION_ENDED', () => {
    spec
      .given(atTheBound)
      .when(placeBid('b4', 'alice', 1300, 90_000))
      .thenFails('AUCTION_ENDED');
  });
  it('a bound of 0 turns extensions off', () => {
    const unextendable: AuctionEvent = { ...opened, data: { ...opened.data, maxExtensionMs: 0 } } as AuctionEvent;
    spec
      .given([unextendable])
      .when(placeBid('b1', 'alice', 1000, 55_000))
      .then([bid('b1', 'alice', 1000, 55_000)]);
  });
  it('closing before the extended end fails with AUCTION_NOT_ENDED', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 55_000), extended(70_000, 'b1')])
      .when(closeAuction(60_000))
      .thenFails('AUCTION_NOT_ENDED');
  });
});

describe('Auction: closing', () => {
  it('closing before the end fails with AUCTION_NOT_ENDED', () => {
    spec.given([opened]).when(closeAuction(59_999)).thenFails('AUCTION_NOT_ENDED');
  });
  it('closing an auction that never opened fails with AUCTION_NOT_FOUND', () => {
    spec.given([]).when(closeAuction(60_000)).thenFails('AUCTION_NOT_FOUND');
  });
  it('closes as SOLD to the highest bidder at their price, in the auction currency', () => {
    spec
      .given([opened, bid('b1', 'alice', 1000, 1), bid('b2', 'bob', 1500, 2)])
      .when(closeAuction(60_000))
      .then([
        {
          type: 'AuctionClosed',
          data: {
            outcome: 'SOLD',
            winnerId: 'bob' as UserId,
            winningBidId: 'b2' as BidId,
            price: 1500,
            currency: 'KRW',
            closedAt: 60_000,
          },
        },
      ]);
  });
  it('closes as NO_SALE without bids', () => {
    spec
      .given([opened])
      .when(closeAuction(61_000))
      .then([closed(61_000)]);
  });
  it('closing twice yields nothing the second time', () => {
    spec
      .given([opened, closed(60_000)])
      .when(closeAuction(60_500))
      .thenNothingHappens();
  });
});
