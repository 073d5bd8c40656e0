import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BidId } from '../../../src/domain/shared/ids.js';
import { MAX_DELAY_SECONDS } from '../../../src/application/ports/message-queue.port.js';
import { actorFor } from '../../support/auth.js';
import { auctionFixture, auctionId, CHANNEL, MINUTE, PRODUCT } from './auction-fixture.js';

const HOP_MS = MAX_DELAY_SECONDS * 1000;

interface Schedule {
  readonly durationMs: number;
  readonly extendWindowMs: number;
  readonly extendByMs: number;
  /** Offsets from the open, in ms; a bid that would come after the close is not placed. */
  readonly bidOffsets: readonly number[];
}

/** Opens one auction, places the bids at their times while the scheduler queue runs, then lets it close. */
const runAuction = async (schedule: Schedule) => {
  const f = auctionFixture();
  await f.liveChannel();
  const t0 = f.clock.now();
  const id = auctionId('a-1');
  await f.openAuction({
    auctionId: id,
    channelId: CHANNEL,
    productId: PRODUCT,
    startingPrice: 1000,
    minIncrement: 10,
    endsAt: t0 + schedule.durationMs,
    extendWindowMs: schedule.extendWindowMs,
    extendByMs: schedule.extendByMs,
  });
  const handled: Awaited<ReturnType<typeof f.runSchedulerUntil>> = [];
  let extensions = 0;
  let amount = 1000;
  for (const [i, offset] of [...schedule.bidOffsets].sort((a, b) => a - b).entries()) {
    handled.push(...(await f.runSchedulerUntil(t0 + offset)));
    if ((await f.getAuction(id)).status === 'CLOSED') break;
    const result = await f.placeBid({
      auctionId: id,
      bidId: `b-${i}` as BidId,
      actor: actorFor(`bidder-${i % 7}`),
      amount,
    });
    amount += 10;
    if (result.extendedTo !== null) extensions++;
  }
  const { endsAt: finalEnd } = await f.getAuction(id);
  handled.push(...(await f.runSchedulerUntil(finalEnd + 60 * MINUTE)));
  return { f, t0, handled, extensions, finalEnd, auction: await f.getAuction(id) };
};

describe('auction close scheduling: one close message per auction in flight', () => {
  it('60 extensions in 5 minutes cost at most 61 close deliveries (each extension used to add a chain of its own)', async () => {
    // A contested finish: a bid every 5 s for 5 minutes, each inside the 30 s window, each pushing the end out.
    const bidOffsets = Array.from({ length: 60 }, (_, i) => 9 * MINUTE + 45_000 + i * 5_000);
    const run = await runAuction({ durationMs: 10 * MINUTE, extendWindowMs: 30_000, extendByMs: 30_000, bidOffsets });

    expect(run.extensions).toBe(60);
    expect(run.handled.length).toBeLessThanOrEqual(run.extensions + 1);
    expect(run.handled.filter((h) => h.outcome.outcome === 'CLOSED')).toHaveLength(1);
    expect(run.handled.at(-1)?.at).toBe(run.finalEnd); // punctual: closed at the final end
    expect(run.auction.status).toBe('CLOSED');
    expect(run.f.queue.counts().total).toBe(0);
  });

  it('N extensions produce at most N + 1 + (15-minute hops) close deliveries, and the close comes at the final end', async () => {
    const schedule = fc.record({
      durationMs: fc.integer({ min: 1_000, max: 50 * MINUTE }),
      extendWindowMs: fc.integer({ min: 0, max: 20 * MINUTE }),
      extendByMs: fc.integer({ min: 0, max: 15 * MINUTE }),
      bidOffsets: fc.array(fc.integer({ min: 0, max: 80 * MINUTE }), { maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(schedule, async (s) => {
        const run = await runAuction(s);
        // A pure hop (end unchanged, more than 15 minutes away) is followed by a full 15-minute delay.
        const hops = Math.floor((run.finalEnd - run.t0) / HOP_MS);
        expect(run.handled.length).toBeLessThanOrEqual(run.extensions + 1 + hops);
        const closes = run.handled.filter((h) => h.outcome.outcome === 'CLOSED');
        expect(closes).toHaveLength(1);
        // SQS delays are whole seconds, rounded up: never early, less than a second late.
        expect(closes[0]!.at).toBeGreaterThanOrEqual(run.finalEnd);
        expect(closes[0]!.at).toBeLessThan(run.finalEnd + 1000);
        expect(run.handled.every((h) => h.at <= closes[0]!.at)).toBe(true);
        expect(run.f.queue.counts().total).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
