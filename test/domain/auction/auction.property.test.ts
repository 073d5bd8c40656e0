import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auctionDecider,
  bidKey,
  type AuctionCommand,
  type AuctionEvent,
  type AuctionState,
} from '../../../src/domain/auction/index.js';
import { DomainError } from '../../../src/domain/shared/errors.js';
import type { BidId, UserId } from '../../../src/domain/shared/ids.js';
import {
  cutPoints,
  eventsOf,
  expectRepeatsYieldNothing,
  expectReplayIsStable,
  runCommands,
  RUNS,
  type Step,
} from '../decider-harness.js';
import { auctionRun, openAuctionCommand } from './auction.arbitraries.js';

const runs = auctionRun;

type AuctionStep = Step<AuctionCommand, AuctionEvent, AuctionState>;
const bidsOf = (events: readonly AuctionEvent[]) => events.flatMap((e) => (e.type === 'BidPlaced' ? [e.data] : []));

/** What `decide` answered, as data: the events, or the code of the rule that refused. */
const outcomeOf = (
  command: AuctionCommand,
  state: AuctionState,
): { events: readonly AuctionEvent[] } | { code: string } => {
  try {
    return { events: auctionDecider.decide(command, state) };
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code };
    throw error;
  }
};

/** The events with every bid id replaced, to compare two decisions that differ only in the id. */
const withBidId = (events: readonly AuctionEvent[], bidId: BidId): AuctionEvent[] =>
  events.map((e) =>
    e.type === 'BidPlaced'
      ? { ...e, data: { ...e.data, bidId } }
      : e.type === 'AuctionExtended'
        ? { ...e, data: { ...e.data, byBidId: bidId } }
        : e,
  );

/** Never in the arbitraries' pool of ids, so nobody has used it. */
const FRESH_ID = 'never-used' as BidId;

describe('Auction properties', () => {
  it('accepted bids rise by at least the increment (the first from the starting price); the highest never falls', () => {
    fc.assert(
      fc.property(runs, (recipes) => {
        for (const step of runCommands(auctionDecider, recipes) as AuctionStep[]) {
          const { before, after } = step;
          if (before.status === 'NONE' || after.status === 'NONE') continue;
          expect(after.highest?.amount ?? 0).toBeGreaterThanOrEqual(before.highest?.amount ?? 0);
          for (const placed of bidsOf(step.events)) {
            const minimum = before.highest
              ? before.highest.amount + before.terms.minIncrement
              : before.terms.startingPrice;
            expect(placed.amount).toBeGreaterThanOrEqual(minimum);
            expect(placed.bidderId).not.toBe(before.terms.sellerId);
          }
        }
      }),
      RUNS,
    );
  });

  it('no bid is accepted at or after the end, nor after the close; the end never moves earlier, nor past its bound', () => {
    fc.assert(
      fc.property(runs, (recipes) => {
        let closed = false;
        for (const step of runCommands(auctionDecider, recipes) as AuctionStep[]) {
          if (closed) expect(step.events).toEqual([]); // nothing at all after the terminal event
          const { before, after } = step;
          for (const placed of bidsOf(step.events)) {
            expect(before.status).toBe('OPEN');
            if (before.status === 'OPEN') expect(placed.placedAt).toBeLessThan(before.endsAt);
          }
          if (before.status !== 'NONE' && after.status !== 'NONE' && step.command.type !== 'OpenAuction') {
            expect(after.endsAt).toBeGreaterThanOrEqual(before.endsAt);
          }
          if (after.status !== 'NONE') expect(after.endsAt).toBeLessThanOrEqual(after.latestEndsAt);
          if (step.events.some((e) => e.type === 'AuctionClosed')) closed = true;
        }
      }),
      RUNS,
    );
  });

  it('the winner is the highest accepted bid; NO_SALE exactly when there was none', () => {
    fc.assert(
      fc.property(runs, fc.integer({ min: 60_000, max: 200_000 }), (recipes, lateEnough) => {
        const steps = runCommands(auctionDecider, [...recipes, { type: 'CloseAuction', at: lateEnough + 100_000 }]);
        const events = eventsOf(steps);
        const closedEvent = events.find((e) => e.type === 'AuctionClosed');
        const bids = bidsOf(events);
        if (!closedEvent || closedEvent.type !== 'AuctionClosed') {
          expect(events.some((e) => e.type === 'AuctionOpened')).toBe(false);
          return;
        }
        if (bids.length === 0) {
          expect(closedEvent.data.outcome).toBe('NO_SALE');
          return;
        }
        const best = bids.reduce((a, b) => (b.amount > a.amount ? b : a));
        expect(closedEvent.data).toMatchObject({
          outcome: 'SOLD',
          winnerId: best.bidderId,
          winningBidId: best.bidId,
          price: best.amount,
        });
      }),
      RUNS,
    );
  });

  it('repeating an applied command yields nothing; a bid once accepted, resent by its bidder, yields nothing ever after', () => {
    fc.assert(
      fc.property(runs, (recipes) => {
        const steps = runCommands(auctionDecider, recipes);
        expectRepeatsYieldNothing(auctionDecider, steps);
        const accepted = new Map<string, AuctionCommand>();
        for (const step of steps) {
          for (const [, command] of accepted) expect(auctionDecider.decide(command, step.after)).toEqual([]);
          if (step.command.type === 'PlaceBid' && step.events.length > 0)
            accepted.set(bidKey(step.command.bidderId, step.command.bidId), step.command);
        }
      }),
      RUNS,
    );
  });

  it("a bid is identified by (bidder, bidId): a retry yields nothing, other terms are BID_ID_REUSED, and another bidder's id never collides", () => {
    // Counted over all runs, so the property is known to reach each of its three cases.
    const seen = { retries: 0, reused: 0, fresh: 0 };
    fc.assert(
      fc.property(runs, (recipes) => {
        // The model, kept from the events alone: what each bidder placed under each of their ids.
        const placed = new Map<string, number>();
        for (const step of runCommands(auctionDecider, recipes) as AuctionStep[]) {
          const c = step.command;
          if (c.type !== 'PlaceBid') continue; // only a PlaceBid places bids
          const amount = placed.get(JSON.stringify([c.bidderId, c.bidId]));
          const earlier = amount === undefined ? undefined : { amount };
          if (earlier && earlier.amount === c.amount) {
            seen.retries++;
            expect(step.error).toBeNull();
            expect(step.events).toEqual([]);
          } else if (earlier) {
            seen.reused++;
            expect(step.error?.code).toBe('BID_ID_REUSED');
          } else {
            seen.fresh++;
            // Not this bidder's id yet: decided exactly as under an id nobody ever used,
            // whoever else placed a bid with it.
            expect(step.error?.code).not.toBe('BID_ID_REUSED');
            const underFreshId = outcomeOf({ ...c, bidId: FRESH_ID }, step.before);
            const actual = step.error ? { code: step.error.code } : { events: step.events };
            expect(
              'events' in underFreshId ? { events: withBidId(underFreshId.events, c.bidId) } : underFreshId,
            ).toEqual(actual);
          }
          for (const b of bidsOf(step.events)) placed.set(JSON.stringify([b.bidderId, b.bidId]), b.amount);
        }
      }),
      RUNS,
    );
    expect(
      Object.values(seen).every((n) => n > 0),
      JSON.stringify(seen),
    ).toBe(true);
  });

  it('late bids in every anti-sniping window never push the end past the opening end plus maxExtensionMs', () => {
    const snipes = fc.array(fc.record({ before: fc.nat({ max: 10_000 }), raise: fc.nat({ max: 300 }) }), {
      minLength: 1,
      maxLength: 120,
    });
    fc.assert(
      fc.property(openAuctionCommand, snipes, (open, bids) => {
        const opened = auctionDecider.decide(open, auctionDecider.initialState);
        const first = opened[0];
        if (first?.type !== 'AuctionOpened') throw new Error('the arbitrary opens valid auctions');
        const bound = first.data.endsAt + first.data.maxExtensionMs;
        // Each bid lands inside the window of the end as it stands, by alternating bidders.
        const recipes = bids.map(({ before, raise }, i) => (state: AuctionState): AuctionCommand => ({
          type: 'PlaceBid',
          bidId: `snipe-${i}` as BidId,
          bidderId: (i % 2 === 0 ? 'alice' : 'bob') as UserId,
          amount:
            (state.status === 'OPEN'
              ? state.highest
                ? state.highest.amount + state.terms.minIncrement
                : state.terms.startingPrice
              : 1) + raise,
          at:
            state.status === 'NONE' ? 0 : Math.max(0, state.endsAt - 1 - Math.min(before, state.terms.extendWindowMs)),
        }));
        const steps = runCommands(auctionDecider, [open, ...recipes]);
        for (const step of steps)
          if (step.after.status !== 'NONE') expect(step.after.endsAt).toBeLessThanOrEqual(bound);
        const last = steps.at(-1)?.after;
        if (last?.status === 'OPEN')
          expect(
            outcomeOf(
              { type: 'PlaceBid', bidId: FRESH_ID, bidderId: 'carol' as UserId, amount: 10_000_000, at: bound },
              last,
            ),
          ).toEqual({ code: 'AUCTION_ENDED' });
      }),
      RUNS,
    );
  });

  it('replay gives the same state whatever the batch boundaries, and never alters an earlier state', () => {
    fc.assert(
      fc.property(runs, cutPoints, (recipes, cuts) =>
        expectReplayIsStable(auctionDecider, runCommands(auctionDecider, recipes), cuts),
      ),
      RUNS,
    );
  });
});
