import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelCodec, channelEventDefinitions, DEFAULT_PRODUCT_CATEGORY } from '../../../src/domain/channel/index.js';
import { expectDecodeFails, expectEveryEventRoundTrips } from '../codec-harness.js';
import { RUNS } from '../decider-harness.js';
import { channelEventArbitraries } from './channel.arbitraries.js';

describe('Channel events through the codec', () => {
  it('every event round-trips at its current schema version', () => {
    expectEveryEventRoundTrips(channelCodec, channelEventDefinitions, channelEventArbitraries);
  });

  it(`a ProductListed v1 without a category is upcast to '${DEFAULT_PRODUCT_CATEGORY}'; one that had a category keeps it`, () => {
    fc.assert(
      fc.property(channelEventArbitraries.ProductListed, (listed) => {
        const { category, ...v1 } = listed.data;
        expect(channelCodec.decode({ type: 'ProductListed', schemaVersion: 1, data: v1 })).toEqual({
          type: 'ProductListed',
          data: { ...v1, category: DEFAULT_PRODUCT_CATEGORY },
        });
        expect(channelCodec.decode({ type: 'ProductListed', schemaVersion: 1, data: { ...v1, category } })).toEqual(
          listed,
        );
      }),
      RUNS,
    );
  });

  it('refuses a negative viewer count and an unparseable price', () => {
    expectDecodeFails(
      () => channelCodec.decode({ type: 'ViewerCountChanged', schemaVersion: 1, data: { count: -1, asOf: 0 } }),
      'INVALID_EVENT',
    );
    expectDecodeFails(
      () =>
        channelCodec.decode({
          type: 'PriceChanged',
          schemaVersion: 1,
          data: { productId: 'p1', price: '10', previousPrice: 5, changedAt: 0 },
        }),
      'INVALID_EVENT',
    );
  });
});
