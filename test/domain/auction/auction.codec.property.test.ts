import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auctionCodec, auctionEventDefinitions, DEFAULT_MAX_EXTENSION_MS } from '../../../src/domain/auction/index.js';
import { expectDecodeFails, expectEveryEventRoundTrips } from '../codec-harness.js';
import { RUNS } from '../decider-harness.js';
import { auctionEventArbitraries } from './auction.arbitraries.js';

describe('Auction events through the codec', () => {
  it('every event round-trips at its current schema version', () => {
    expectEveryEventRoundTrips(auctionCodec, auctionEventDefinitions, auctionEventArbitraries);
  });

  it('an AuctionOpened v1 (before anti-sniping) is upcast to the current version, and never extends', () => {
    fc.assert(
      fc.property(auctionEventArbitraries.AuctionOpened, (opened) => {
        const { extendWindowMs: _w, extendByMs: _b, maxExtensionMs: _m, ...v1 } = opened.data;
        const decoded = auctionCodec.decode({
          type: 'AuctionOpened',
          schemaVersion: 1,
          data: JSON.parse(JSON.stringify(v1)),
        });
        expect(decoded).toEqual({
          type: 'AuctionOpened',
          data: { ...opened.data, extendWindowMs: 0, extendByMs: 0, maxExtensionMs: DEFAULT_MAX_EXTENSION_MS },
        });
      }),
      RUNS,
    );
  });

  it('an AuctionOpened v2 (unbounded extensions) still loads, bounded by the default', () => {
    fc.assert(
      fc.property(auctionEventArbitraries.AuctionOpened, (opened) => {
        const { maxExtensionMs: _m, ...v2 } = opened.data;
        const decoded = auctionCodec.decode({
          type: 'AuctionOpened',
          schemaVersion: 2,
          data: JSON.parse(JSON.stringify(v2)),
        });
        expect(decoded).toEqual({
          type: 'AuctionOpened',
          data: { ...opened.data, maxExtensionMs: DEFAULT_MAX_EXTENSION_MS },
        });
      }),
      RUNS,
    );
  });

  it('refuses a body that breaks its schema, a newer schema version, and an unknown type', () => {
    fc.assert(
      fc.property(auctionEventArbitraries.BidPlaced, fc.constantFrom(0, -1, 1.5, '100'), (bid, amount) => {
        const encoded = auctionCodec.encode(bid);
        expectDecodeFails(
          () => auctionCodec.decode({ ...encoded, data: { ...(encoded.data as object), amount } }),
          'INVALID_EVENT',
        );
        expectDecodeFails(() => auctionCodec.decode({ ...encoded, schemaVersion: 2 }), 'UNKNOWN_SCHEMA_VERSION');
      }),
      RUNS,
    );
    expectDecodeFails(
      () => auctionCodec.decode({ type: 'AuctionCancelled', schemaVersion: 1, data: {} }),
      'UNKNOWN_EVENT_TYPE',
    );
  });
});
