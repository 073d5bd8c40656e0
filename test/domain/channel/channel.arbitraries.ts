import fc from 'fast-check';
import type { ChannelCommand, ChannelEvent } from '../../../src/domain/channel/index.js';
import type { AuctionId, ChannelId, ProductId, UserId } from '../../../src/domain/shared/ids.js';
import { at, id, type Arbitraries } from '../auction/auction.arbitraries.js';

const price = fc.integer({ min: 1, max: 100_000_000_000 });
const text = (max: number) =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((s) => s.length >= 1 && s.length <= max);

export const channelEventArbitraries: Arbitraries<ChannelEvent> = {
  ChannelScheduled: fc.record({
    type: fc.constant('ChannelScheduled'),
    data: fc.record({
      channelId: id<ChannelId>(),
      sellerId: id<UserId>(),
      title: text(200),
      currency: fc.stringMatching(/^[A-Z]{3}$/),
      scheduledAt: at,
    }),
  }),
  LiveStarted: fc.record({ type: fc.constant('LiveStarted'), data: fc.record({ startedAt: at }) }),
  LiveEnded: fc.record({ type: fc.constant('LiveEnded'), data: fc.record({ endedAt: at }) }),
  ProductListed: fc.record({
    type: fc.constant('ProductListed'),
    data: fc.record({ productId: id<ProductId>(), name: text(200), price, category: text(60) }),
  }),
  PriceChanged: fc.record({
    type: fc.constant('PriceChanged'),
    data: fc.record({ productId: id<ProductId>(), price, previousPrice: price, changedAt: at }),
  }),
  ViewerCountChanged: fc.record({
    type: fc.constant('ViewerCountChanged'),
    data: fc.record({ count: fc.nat(), asOf: at }),
  }),
  AuctionAttached: fc.record({
    type: fc.constant('AuctionAttached'),
    data: fc.record({ auctionId: id<AuctionId>(), productId: id<ProductId>() }),
  }),
};

const productId = fc.constantFrom('p1', 'p2', 'p3').map((p) => p as ProductId);
const currency = fc.constantFrom('KRW', 'KRW', 'KRW', 'USD');
const somePrice = fc.constantFrom(100, 200, 300, 0);

export const scheduleChannelCommand: fc.Arbitrary<ChannelCommand> = fc.record({
  type: fc.constant('ScheduleChannel' as const),
  channelId: fc.constant('c1' as ChannelId),
  sellerId: fc.constant('seller' as UserId),
  title: fc.constantFrom('Winter coats', 'Spring sale'),
  currency: fc.constant('KRW'),
  at: fc.nat({ max: 100 }),
});

/** Small pools of products, prices, counts and times, so repeats, stale counts and conflicts happen. */
export const channelCommand: fc.Arbitrary<ChannelCommand> = fc.oneof(
  { weight: 2, arbitrary: scheduleChannelCommand },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('StartLive' as const), at: fc.nat({ max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('EndLive' as const), at: fc.nat({ max: 1000 }) }) },
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('ListProduct' as const),
      productId,
      name: fc.constant('Coat'),
      category: fc.constantFrom('outerwear', 'shoes'),
      price: somePrice,
      currency,
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constant('ChangePrice' as const),
      productId,
      price: somePrice,
      currency,
      at: fc.nat({ max: 1000 }),
    }),
  },
  {
    weight: 12,
    arbitrary: fc.record({
      type: fc.constant('UpdateViewerCount' as const),
      count: fc.nat({ max: 4 }),
      asOf: fc.nat({ max: 30 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('AttachAuction' as const),
      auctionId: fc.constantFrom('a1', 'a2').map((a) => a as AuctionId),
      productId,
    }),
  },
);

export const channelRun = fc
  .tuple(
    fc.nat({ max: 9 }),
    scheduleChannelCommand,
    fc.array(channelCommand, { minLength: 1, maxLength: 50, size: 'medium' }),
  )
  .map(([dice, schedule, rest]) => (dice > 0 ? [schedule, ...rest] : rest));
