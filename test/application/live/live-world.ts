import { FakeClock, SequentialIds } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryEventStore } from '../../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { makeChannelCommands } from '../../../src/application/live/channel-commands.js';
import { auctionCodec, auctionDecider, auctionStreamId } from '../../../src/domain/auction/index.js';
import { channelCodec, channelDecider } from '../../../src/domain/channel/index.js';
import type { EventEnvelope } from '../../../src/domain/shared/envelope.js';
import type { AuctionId, BidId, ChannelId, ProductId, UserId } from '../../../src/domain/shared/ids.js';
import { actorFor } from '../../support/auth.js';

/** One step a seller, the presence consumer or a bidder takes on a live channel. */
export type LiveOp =
  | { readonly kind: 'price'; readonly price: number }
  | { readonly kind: 'viewers'; readonly count: number }
  | { readonly kind: 'bid'; readonly raise: number };

/**
 * A live channel driven through the real command handlers over an in-memory store: scheduled,
 * live, one product, one attached open auction. Every stored envelope is recorded in append order.
 */
export const liveWorld = async (channelId = 'c1') => {
  const clock = new FakeClock(1_000_000);
  const ids = new SequentialIds('e');
  const store = new InMemoryEventStore();
  const appended: EventEnvelope[] = [];
  store.subscribe((events) => appended.push(...events));
  const deps = { store, clock, ids, sleeper: clock };
  const channels = new CommandHandler(channelDecider, channelCodec, deps);
  const auctions = new CommandHandler(auctionDecider, auctionCodec, deps);
  const commands = makeChannelCommands({ channels, clock, ids });
  const ch = channelId as ChannelId;
  const auctionId = `${channelId}-a1` as AuctionId;
  const seller = actorFor('seller');
  await commands.schedule({ channelId: ch, actor: seller, title: 'Winter coats', currency: 'KRW' });
  await commands.start(ch, seller);
  await commands.listProduct(ch, seller, {
    productId: 'p1' as ProductId,
    name: 'Coat',
    category: 'fashion',
    price: 10_000,
    currency: 'KRW',
  });
  await auctions.handle(
    auctionStreamId(auctionId),
    {
      type: 'OpenAuction',
      auctionId,
      channelId: ch,
      sellerId: 'seller' as UserId,
      productId: 'p1' as ProductId,
      startingPrice: 1_000,
      minIncrement: 100,
      currency: 'KRW',
      endsAt: 100_000_000,
      at: clock.now(),
    },
    { channelId },
  );
  await commands.attachAuction(ch, auctionId, 'p1' as ProductId);
  let bid = 0;
  let highest = 900;
  const run = async (op: LiveOp): Promise<void> => {
    clock.advance(10);
    if (op.kind === 'price')
      await commands.changePrice(ch, seller, 'p1' as ProductId, { price: op.price, currency: 'KRW' });
    else if (op.kind === 'viewers') await commands.updateViewerCount(ch, op.count, clock.now());
    else {
      highest += 100 * op.raise;
      await auctions.handle(
        auctionStreamId(auctionId),
        {
          type: 'PlaceBid',
          bidId: `b${++bid}` as BidId,
          bidderId: `u${bid % 3}` as UserId,
          amount: highest,
          at: clock.now(),
        },
        { channelId },
      );
    }
  };
  return { store, appended, run, channelId, auctionStreamId: auctionStreamId(auctionId), clock };
};
