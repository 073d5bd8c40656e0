import { describe, expect, it } from 'vitest';
import {
  attachedProduct,
  channelDecider,
  MAX_PRODUCTS_PER_CHANNEL,
  type ChannelEvent,
} from '../../../src/domain/channel/index.js';
import { fold } from '../../../src/domain/shared/decider.js';
import type { UserId } from '../../../src/domain/shared/ids.js';
import { deciderSpec } from '../../support/decider-spec.js';
import {
  attachAuction,
  auctionAttached,
  changePrice,
  ended,
  listed,
  listProduct,
  priceChanged,
  scheduleChannel,
  scheduled,
  started,
  updateViewerCount,
  viewerCountChanged,
} from './channel.fixtures.js';

const spec = deciderSpec(channelDecider);
const live = [scheduled, started()];

describe('Channel: lifecycle', () => {
  it('schedules a channel', () => {
    spec.given([]).when(scheduleChannel).then([scheduled]);
  });
  it('scheduling again with the same details yields nothing', () => {
    spec.given(live).when(scheduleChannel).thenNothingHappens();
  });
  it('scheduling with other details fails with CHANNEL_ALREADY_SCHEDULED', () => {
    spec
      .given([scheduled])
      .when({ ...scheduleChannel, title: 'Another show' })
      .thenFails('CHANNEL_ALREADY_SCHEDULED');
    spec
      .given([scheduled])
      .when({ ...scheduleChannel, sellerId: 'other' as UserId })
      .thenFails('CHANNEL_ALREADY_SCHEDULED');
  });
  it.each([
    ['an empty title', { title: '' }],
    ['a currency that is not ISO 4217', { currency: 'won' }],
  ])('refuses %s with INVALID_CHANNEL', (_name, change) => {
    spec
      .given([])
      .when({ ...scheduleChannel, ...change })
      .thenFails('INVALID_CHANNEL');
  });
  it('goes live from scheduled', () => {
    spec
      .given([scheduled])
      .when({ type: 'StartLive', at: 2_000 })
      .then([started(2_000)]);
  });
  it('going live twice yields nothing', () => {
    spec.given(live).when({ type: 'StartLive', at: 2_500 }).thenNothingHappens();
  });
  it('a command before scheduling fails with CHANNEL_NOT_FOUND', () => {
    spec.given([]).when({ type: 'StartLive', at: 2_000 }).thenFails('CHANNEL_NOT_FOUND');
    spec.given([]).when(listProduct('p1', 1000)).thenFails('CHANNEL_NOT_FOUND');
    spec.given([]).when({ type: 'EndLive', at: 2_000 }).thenFails('CHANNEL_NOT_FOUND');
  });
  it('ends a live channel', () => {
    spec
      .given(live)
      .when({ type: 'EndLive', at: 9_000 })
      .then([ended(9_000)]);
  });
  it('ending a channel that never went live fails with CHANNEL_NOT_LIVE', () => {
    spec.given([scheduled]).when({ type: 'EndLive', at: 9_000 }).thenFails('CHANNEL_NOT_LIVE');
  });
  it('ending twice yields nothing', () => {
    spec
      .given([...live, ended()])
      .when({ type: 'EndLive', at: 9_500 })
      .thenNothingHappens();
  });
  it.each([
    ['ScheduleChannel', scheduleChannel],
    ['StartLive', { type: 'StartLive', at: 9_500 } as const],
    ['ListProduct', listProduct('p2', 1000)],
    ['ChangePrice', changePrice('p1', 2000)],
    ['UpdateViewerCount', updateViewerCount(5, 9_500)],
    ['AttachAuction', attachAuction('a1', 'p1')],
  ])('after the end, %s fails with CHANNEL_ENDED', (_name, command) => {
    spec
      .given([...live, listed('p1', 1000), ended()])
      .when(command)
      .thenFails('CHANNEL_ENDED');
  });
});

describe('Channel: products and prices', () => {
  it('lists a product while scheduled or live', () => {
    spec
      .given([scheduled])
      .when(listProduct('p1', 25_000))
      .then([listed('p1', 25_000)]);
    spec
      .given(live)
      .when(listProduct('p1', 25_000))
      .then([listed('p1', 25_000)]);
  });
  it.each([0, -5, 12.5])('a price of %s fails with INVALID_PRICE', (price) => {
    spec.given(live).when(listProduct('p1', price)).thenFails('INVALID_PRICE');
    spec
      .given([...live, listed('p1', 1000)])
      .when(changePrice('p1', price))
      .thenFails('INVALID_PRICE');
  });
  it('a price in another currency fails with CURRENCY_MISMATCH', () => {
    spec
      .given(live)
      .when(listProduct('p1', 1999, 'USD'))
      .thenFails('CURRENCY_MISMATCH');
    spec
      .given([...live, listed('p1', 1000)])
      .when(changePrice('p1', 1999, 3_000, 'USD'))
      .thenFails('CURRENCY_MISMATCH');
  });
  it('an empty category fails with INVALID_PRODUCT', () => {
    spec
      .given(live)
      .when(listProduct('p1', 1000, 'KRW', ''))
      .thenFails('INVALID_PRODUCT');
  });
  it('listing the same product again yields nothing, even after its price changed', () => {
    spec
      .given([...live, listed('p1', 1000)])
      .when(listProduct('p1', 1000))
      .thenNothingHappens();
    spec
      .given([...live, listed('p1', 1000), priceChanged('p1', 800, 1000)])
      .when(listProduct('p1', 1000))
      .thenNothingHappens();
  });
  it('listing the same product id with other details fails with PRODUCT_ALREADY_LISTED', () => {
    spec
      .given([...live, listed('p1', 1000)])
      .when(listProduct('p1', 1200))
      .thenFails('PRODUCT_ALREADY_LISTED');
  });
  it(`refuses product ${MAX_PRODUCTS_PER_CHANNEL + 1} with PRODUCT_LIMIT_REACHED`, () => {
    const full = Array.from({ length: MAX_PRODUCTS_PER_CHANNEL }, (_, i) => listed(`p${i}`, 1000));
    spec
      .given([...live, ...full])
      .when(listProduct('one-more', 1000))
      .thenFails('PRODUCT_LIMIT_REACHED');
  });
  it('changes a price and records the previous one', () => {
    spec
      .given([...live, listed('p1', 1000)])
      .when(changePrice('p1', 800, 4_000))
      .then([priceChanged('p1', 800, 1000, 4_000)]);
  });
  it('the previous price is the current one, not the listed one', () => {
    spec
      .given([...live, listed('p1', 1000), priceChanged('p1', 800, 1000)])
      .when(changePrice('p1', 700, 5_000))
      .then([priceChanged('p1', 700, 800, 5_000)]);
  });
  it('the same price yields nothing', () => {
    spec
      .given([...live, listed('p1', 1000)])
      .when(changePrice('p1', 1000))
      .thenNothingHappens();
  });
  it('changing the price of an unknown product fails with PRODUCT_NOT_FOUND', () => {
    spec.given(live).when(changePrice('nope', 1000)).thenFails('PRODUCT_NOT_FOUND');
  });
});

describe('Channel: viewer count', () => {
  it('records a new count', () => {
    spec
      .given(live)
      .when(updateViewerCount(42, 5_000))
      .then([viewerCountChanged(42, 5_000)]);
  });
  it('a first count of zero is no news', () => {
    spec.given(live).when(updateViewerCount(0, 5_000)).thenNothingHappens();
  });
  it('an older measurement is ignored', () => {
    spec
      .given([...live, viewerCountChanged(42, 5_000)])
      .when(updateViewerCount(40, 4_999))
      .thenNothingHappens();
  });
  it('a measurement as old as the applied one is ignored', () => {
    spec
      .given([...live, viewerCountChanged(42, 5_000)])
      .when(updateViewerCount(40, 5_000))
      .thenNothingHappens();
  });
  it('the same count is ignored', () => {
    spec
      .given([...live, viewerCountChanged(42, 5_000)])
      .when(updateViewerCount(42, 6_000))
      .thenNothingHappens();
  });
  it('a newer, different count is recorded', () => {
    spec
      .given([...live, viewerCountChanged(42, 5_000)])
      .when(updateViewerCount(41, 6_000))
      .then([viewerCountChanged(41, 6_000)]);
  });
  it('a negative count fails with INVALID_VIEWER_COUNT', () => {
    spec.given(live).when(updateViewerCount(-1, 6_000)).thenFails('INVALID_VIEWER_COUNT');
  });
});

describe('Channel: auctions', () => {
  it('attaches an auction to a listed product', () => {
    spec
      .given([...live, listed('p1', 1000)])
      .when(attachAuction('a1', 'p1'))
      .then([auctionAttached('a1', 'p1')]);
  });
  it('attaching again yields nothing', () => {
    spec
      .given([...live, listed('p1', 1000), auctionAttached('a1', 'p1')])
      .when(attachAuction('a1', 'p1'))
      .thenNothingHappens();
  });
  it('attaching to an unknown product fails with PRODUCT_NOT_FOUND', () => {
    spec.given(live).when(attachAuction('a1', 'p1')).thenFails('PRODUCT_NOT_FOUND');
  });
  it('attaching an auction to a second product fails with AUCTION_ALREADY_ATTACHED', () => {
    spec
      .given([...live, listed('p1', 1000), listed('p2', 1000), auctionAttached('a1', 'p1')])
      .when(attachAuction('a1', 'p2'))
      .thenFails('AUCTION_ALREADY_ATTACHED');
  });
  it('tells which product an attached auction sells', () => {
    const events: ChannelEvent[] = [
      ...live,
      listed('p1', 1000),
      auctionAttached('a1', 'p1'),
      priceChanged('p1', 900, 1000),
    ];
    const state = fold(channelDecider, channelDecider.initialState, events);
    expect(attachedProduct(state, 'a1')).toMatchObject({ productId: 'p1', price: 900, listedPrice: 1000 });
    expect(attachedProduct(state, 'a2')).toBeNull();
  });
});
