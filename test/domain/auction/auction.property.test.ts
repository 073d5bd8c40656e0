import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auctionDecider, type AuctionCommand, type AuctionEvent, type AuctionState } from '../../../src/domain/auction/index.js';
import { cutPoints, eventsOf, expectRepeatsYieldNothing, expectReplayIsStable, runCommands, RUNS, type Step } from '../decider-harness.js';
import { auctionRun } from './auction.arbitraries.js';

const runs = auctionRun;

type AuctionStep = Step<AuctionCommand, AuctionEvent, AuctionState>;
const bidsOf = (events: readonly AuctionEvent[]) => events.flatMap((e) => (e.type === 'BidPlaced' ? [e.data] : []));

describe('Auction properties', () => {
  it('accepted bids rise by at least the increment (the first from the starting price); the highest never falls', () => {
    fc.assert(
      fc.property(runs, (recipes) => {
        for (const step of runCommands(auctionDecider, recipes) as AuctionStep[]) {
          const { before, after } = step;
          if (before.status === 'NONE' || after.status === 'NONE') continue;
          expect(after.highest?.amount ?? 0).toBeGreaterThanOrEqual(before.highest?.amount ?? 0);
          for (const placed of bidsOf(step.events)) {
            const minimum = before.highest ? before.highest.amount + before.terms.minIncrement : before.terms.startingPrice;
            expect(placed.amount).toBeGreaterThanOrEqual(minimum);
            expect(placed.bidderId).not.toBe(before.terms.sellerId);
          }
        }
      }),
      RUNS,
    );
  });

  it('no bid is accepted at or after the end, nor after the close; the end never moves earlier', () => {
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
        expect(closedEvent.data).toMatchObject({ outcome: 'SOLD', winnerId: best.bidderId, winningBidId: best.bidId, price: best.amount });
      }),
      RUNS,
    );
  });

  it('repeating an applied command yields nothing; a bid id once accepted yields nothing ever after', () => {
    fc.assert(
      fc.property(runs, (recipes) => {
        const steps = runCommands(auctionDecider, recipes);
        expectRepeatsYieldNothing(auctionDecider, steps);
        const accepted = new Map<string, AuctionCommand>();
        for (const step of steps) {
          for (const [, command] of accepted) expect(auctionDecider.decide(command, step.after)).toEqual([]);
          if (step.command.type === 'PlaceBid' && step.events.length > 0) accepted.set(step.command.bidId, step.command);
        }
      }),
      RUNS,
    );
  });

  it('replay gives the same state whatever the batch boundaries, and never alters an earlier state', () => {
    fc.assert(fc.property(runs, cutPoints, (recipes, cuts) => expectReplayIsStable(auctionDecider, runCommands(auctionDecider, recipes), cuts)), RUNS);
  });
});
