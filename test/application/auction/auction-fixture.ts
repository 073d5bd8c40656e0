import { auctionCodec, auctionDecider } from '../../../src/domain/auction/index.js';
import { channelCodec, channelDecider, channelStreamId } from '../../../src/domain/channel/index.js';
import type { AuctionId, ChannelId, ProductId, UserId } from '../../../src/domain/shared/ids.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import type { AuctionCloseMessage } from '../../../src/application/auction/auction-close-message.js';
import { AuctionCloseScheduler } from '../../../src/application/auction/auction-close-scheduler.js';
import { makeCloseAuction } from '../../../src/application/auction/close-auction.js';
import { makeGetAuction } from '../../../src/application/auction/get-auction.js';
import { makeOpenAuction, type OpenAuctionInput } from '../../../src/application/auction/open-auction.js';
import type { Actor } from '../../../src/application/auth/actor.js';
import { actorFor } from '../../support/auth.js';
import { makePlaceBid } from '../../../src/application/auction/place-bid.js';
import { FakeClock, SequentialIds } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryEventStore } from '../../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';

export const CHANNEL = 'ch-1' as ChannelId;
export const PRODUCT = 'p-1' as ProductId;
export const SELLER = 'seller-1' as UserId;
export const MINUTE = 60_000;

/** Auction use cases over in-memory adapters, a fake clock and an emulated scheduler queue with delays. */
export const auctionFixture = (options: { duplicateRate?: number } = {}) => {
  const clock = new FakeClock(1_700_000_000_000);
  const ids = new SequentialIds('evt');
  const store = new InMemoryEventStore();
  const deps = { store, clock, ids, sleeper: clock };
  const auctions = new CommandHandler(auctionDecider, auctionCodec, deps);
  const channels = new CommandHandler(channelDecider, channelCodec, deps);
  const queue = new InMemoryQueue<AuctionCloseMessage>({
    name: 'scheduler',
    clock,
    random: clock.random.bind(clock),
    duplicateRate: options.duplicateRate,
  });
  const scheduler = new AuctionCloseScheduler(queue, clock);
  const open = makeOpenAuction({ auctions, channels, scheduler, clock, ids: new SequentialIds('auction') });
  /** Opens as the channel's seller unless the input names another actor. */
  const openAuction = (input: Omit<OpenAuctionInput, 'actor'> & { readonly actor?: Actor }) =>
    open({ actor: actorFor(SELLER), ...input });
  const placeBid = makePlaceBid({ auctions, clock });
  const closeAuction = makeCloseAuction({ auctions, scheduler, clock });
  const getAuction = makeGetAuction({ auctions });

  const liveChannel = async () => {
    const stream = channelStreamId(CHANNEL);
    await channels.handle(stream, {
      type: 'ScheduleChannel',
      channelId: CHANNEL,
      sellerId: SELLER,
      title: 'Night market',
      currency: 'KRW',
      at: clock.now(),
    });
    await channels.handle(stream, { type: 'StartLive', at: clock.now() });
    await channels.handle(stream, {
      type: 'ListProduct',
      productId: PRODUCT,
      name: 'Kettle',
      category: 'kitchen',
      price: 30_000,
      currency: 'KRW',
    });
  };

  /**
   * A live channel with auction `a-1` (starting at 1,000, steps of 100) that ends `endsInMs` from
   * now; returns the time it opened. `extra` overrides the opening's other fields.
   */
  const liveAuction = async (endsInMs: number, extra: Partial<Omit<OpenAuctionInput, 'actor'>> = {}) => {
    await liveChannel();
    const openedAt = clock.now();
    await openAuction({
      auctionId: auctionId('a-1'),
      channelId: CHANNEL,
      productId: PRODUCT,
      startingPrice: 1000,
      minIncrement: 100,
      endsAt: openedAt + endsInMs,
      ...extra,
    });
    return openedAt;
  };

  /** Runs the scheduler queue until `until`: jumps the clock to each next visible message and handles it. */
  const runSchedulerUntil = async (until: number) => {
    const handled: { at: number; message: AuctionCloseMessage; outcome: Awaited<ReturnType<typeof closeAuction>> }[] =
      [];
    for (;;) {
      let batch = queue.receive(10);
      if (batch.length === 0) {
        const next = queue.nextVisibleAt();
        if (next === null || next > until) break;
        clock.set(next);
        batch = queue.receive(10);
      }
      for (const delivery of batch) {
        const message = delivery.body as AuctionCloseMessage;
        handled.push({ at: clock.now(), message, outcome: await closeAuction(message) });
        queue.delete(delivery.receiptHandle);
      }
    }
    if (clock.now() < until) clock.set(until);
    return handled;
  };

  return {
    clock,
    store,
    auctions,
    channels,
    queue,
    openAuction,
    placeBid,
    closeAuction,
    getAuction,
    liveChannel,
    liveAuction,
    runSchedulerUntil,
  };
};

export const auctionId = (id: string) => id as AuctionId;
