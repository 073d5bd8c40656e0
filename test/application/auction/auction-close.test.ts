import { describe, expect, it } from 'vitest';
import { auctionStreamId } from '../../../src/domain/auction/index.js';
import { channelStreamId } from '../../../src/domain/channel/index.js';
import { DomainError } from '../../../src/domain/shared/errors.js';
import type { BidId } from '../../../src/domain/shared/ids.js';
import { actorFor } from '../../support/auth.js';
import { MAX_DELAY_SECONDS } from '../../../src/application/ports/message-queue.port.js';
import { auctionFixture, auctionId, CHANNEL, MINUTE, PRODUCT } from './auction-fixture.js';

const bid = (id: string, bidder: string, amount: number) => ({
  auctionId: auctionId('a-1'),
  bidId: id as BidId,
  actor: actorFor(bidder),
  amount,
});

describe('auction close (F7)', () => {
  it('closes an auction 40 minutes out after three hops of at most 15 minutes', async () => {
    const f = auctionFixture();
    const openedAt = await f.liveAuction(40 * MINUTE);
    await f.placeBid(bid('b-1', 'alice', 1000));

    const handled = await f.runSchedulerUntil(openedAt + 60 * MINUTE);

    expect(handled.map((h) => h.outcome.outcome)).toEqual(['RESCHEDULED', 'RESCHEDULED', 'CLOSED']);
    expect(handled.map((h) => (h.at - openedAt) / 1000)).toEqual([MAX_DELAY_SECONDS, 2 * MAX_DELAY_SECONDS, 40 * 60]);
    expect(handled.map((h) => h.message.hop)).toEqual([1, 2, 3]);
    expect(handled[2]?.outcome).toEqual({ outcome: 'CLOSED', winnerId: 'alice', price: 1000 });
    expect((await f.getAuction(auctionId('a-1'))).status).toBe('CLOSED');
  });

  it('waits for a late bid that extends the end, and closes at the new end', async () => {
    const f = auctionFixture();
    const t0 = await f.liveAuction(10 * MINUTE, { extendWindowMs: 30_000, extendByMs: 60_000 });
    f.clock.set(t0 + 10 * MINUTE - 10_000); // 10 s before the end, inside the 30 s window
    const late = await f.placeBid(bid('b-late', 'bob', 1500));
    expect(late.extendedTo).toBe(t0 + 10 * MINUTE + 50_000);

    const handled = await f.runSchedulerUntil(t0 + 20 * MINUTE);

    const closed = handled.filter((h) => h.outcome.outcome === 'CLOSED');
    expect(closed).toHaveLength(1);
    expect(closed[0]?.at).toBe(t0 + 10 * MINUTE + 50_000);
    // The original message came at the old end, found the auction still open and went back to sleep.
    expect(handled.some((h) => h.at === t0 + 10 * MINUTE && h.outcome.outcome === 'RESCHEDULED')).toBe(true);
    expect(handled.filter((h) => h.at < t0 + 10 * MINUTE + 50_000).every((h) => h.outcome.outcome !== 'CLOSED')).toBe(
      true,
    );
    expect((await f.getAuction(auctionId('a-1'))).highest).toEqual({ bidderId: 'bob', amount: 1500 });
  });

  it('closes once when close messages are duplicated (at-least-once queue)', async () => {
    const f = auctionFixture({ duplicateRate: 0.9 });
    const t0 = await f.liveAuction(20 * MINUTE);
    const message = { auctionId: auctionId('a-1'), channelId: CHANNEL, endsAt: t0 + 20 * MINUTE, hop: 1 };
    await f.queue.send([{ body: message }, { body: message }, { body: message }]); // forged extra copies, due now

    const handled = await f.runSchedulerUntil(t0 + 60 * MINUTE);

    expect(handled.length).toBeGreaterThan(4);
    expect(handled.filter((h) => h.outcome.outcome === 'CLOSED')).toHaveLength(1);
    const { events } = await f.store.read(auctionStreamId('a-1'));
    expect(events.filter((e) => e.type === 'AuctionClosed')).toHaveLength(1);
    expect(f.queue.counts().total).toBe(0); // every chain ended at the close
  });

  it('accepts no bid after the close, and routes every auction event to the channel', async () => {
    const f = auctionFixture();
    const t0 = await f.liveAuction(5 * MINUTE);
    await f.placeBid(bid('b-1', 'alice', 1000));
    await f.runSchedulerUntil(t0 + 6 * MINUTE);

    const after = f.placeBid(bid('b-2', 'bob', 5000));
    await expect(after).rejects.toBeInstanceOf(DomainError);
    await expect(after).rejects.toMatchObject({ code: 'AUCTION_CLOSED' });
    // A retried bid that was accepted before the close is still answered (idempotent), not refused.
    await expect(f.placeBid(bid('b-1', 'alice', 1000))).resolves.toMatchObject({
      accepted: true,
      retried: true,
      highest: { bidderId: 'alice', amount: 1000 },
    });

    const { events } = await f.store.read(auctionStreamId('a-1'));
    expect(events.map((e) => e.type)).toEqual(['AuctionOpened', 'BidPlaced', 'AuctionClosed']);
    expect(events.every((e) => e.channelId === CHANNEL)).toBe(true);
    const channel = await f.store.read(channelStreamId(CHANNEL));
    expect(channel.events.at(-1)).toMatchObject({ type: 'AuctionAttached', channelId: CHANNEL });
  });

  it('refuses to open an auction for a product the channel does not list, leaving no state behind', async () => {
    const f = auctionFixture();
    await f.liveChannel();
    const before = f.store.streamIds().length;
    await expect(
      f.openAuction({
        auctionId: auctionId('a-9'),
        channelId: CHANNEL,
        productId: 'nope' as never,
        startingPrice: 1000,
        minIncrement: 100,
        endsAt: f.clock.now() + MINUTE,
      }),
    ).rejects.toMatchObject({ code: 'PRODUCT_NOT_FOUND' });
    expect(f.store.streamIds().length).toBe(before);
    expect(f.queue.counts().total).toBe(0);
  });

  it('makes a retried open safe: same auction, one close chain more, nothing opened twice', async () => {
    const f = auctionFixture();
    await f.liveChannel();
    const input = {
      auctionId: auctionId('a-1'),
      channelId: CHANNEL,
      productId: PRODUCT,
      startingPrice: 1000,
      minIncrement: 100,
      endsAt: f.clock.now() + MINUTE,
    };
    const first = await f.openAuction(input);
    const again = await f.openAuction(input);
    expect(again).toEqual(first);
    const { events } = await f.store.read(auctionStreamId('a-1'));
    expect(events.map((e) => e.type)).toEqual(['AuctionOpened']);
  });

  it('fails a close message for an auction that does not exist (so it reaches the DLQ)', async () => {
    const f = auctionFixture();
    await expect(
      f.closeAuction({ auctionId: auctionId('ghost'), channelId: CHANNEL, endsAt: 0, hop: 1 }),
    ).rejects.toMatchObject({
      code: 'AUCTION_NOT_FOUND',
    });
  });
});
