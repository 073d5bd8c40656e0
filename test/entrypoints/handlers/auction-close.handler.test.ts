import { describe, expect, it } from 'vitest';
import type { AuctionCloseMessage } from '../../../src/application/auction/auction-close-message.js';
import { makeAuctionCloseHandler } from '../../../src/entrypoints/handlers/auction-close.js';
import { auctionFixture, auctionId, CHANNEL, MINUTE } from '../../application/auction/auction-fixture.js';
import { pollOnce } from '../sqs-test-driver.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('auction-close handler', () => {
  it('merges copies of one auction in a batch: one next hop, not one per copy', async () => {
    const f = auctionFixture();
    const t0 = await f.liveAuction(40 * MINUTE);
    // Two more copies due now (an at-least-once duplicate and a retried open), beside the open's own message.
    const copy: AuctionCloseMessage = {
      auctionId: auctionId('a-1'),
      channelId: CHANNEL,
      endsAt: t0 + 40 * MINUTE,
      hop: 1,
    };
    await f.queue.send([{ body: copy }, { body: copy }]);
    const handler = makeAuctionCloseHandler({ closeAuction: f.closeAuction, logger: quiet });

    expect(await pollOnce(f.queue, handler)).toBe(2);

    // The open's message (delayed) and one next hop: the two copies merged into one chain.
    expect(f.queue.counts()).toMatchObject({ total: 2, delayed: 2 });
  });
});
