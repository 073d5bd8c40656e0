import { describe, expect, it } from 'vitest';
import { toFeedEvent, isViewerStream } from '../../../src/domain/live-feed/feed-mapping.js';
import { UnreadableEventError } from '../../../src/domain/shared/faults.js';
import type { EventEnvelope } from '../../../src/domain/shared/envelope.js';

const envelope = (over: Partial<EventEnvelope>): EventEnvelope => ({
  streamId: 'channel-c1',
  version: 1,
  eventId: 'e1',
  type: 'LiveStarted',
  schemaVersion: 1,
  occurredAt: 5,
  data: { startedAt: 5 },
  ...over,
});

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof UnreadableEventError ? error.code : `not an UnreadableEventError: ${String(error)}`;
  }
  return undefined;
};

describe('toFeedEvent: stored event → viewer-facing feed event', () => {
  it.each([
    [
      'ChannelScheduled',
      { channelId: 'c1', sellerId: 's', title: 'T', currency: 'KRW', scheduledAt: 1 },
      'CHANNEL_SCHEDULED',
    ],
    ['LiveStarted', { startedAt: 1 }, 'LIVE_STARTED'],
    ['LiveEnded', { endedAt: 1 }, 'LIVE_ENDED'],
    ['ProductListed', { productId: 'p1', name: 'Coat', price: 100, category: 'fashion' }, 'PRODUCT_LISTED'],
    ['PriceChanged', { productId: 'p1', price: 90, previousPrice: 100, changedAt: 1 }, 'PRICE_UPDATED'],
    ['ViewerCountChanged', { count: 7, asOf: 1 }, 'VIEWER_COUNT_CHANGED'],
    ['AuctionAttached', { auctionId: 'a1', productId: 'p1' }, 'AUCTION_ATTACHED'],
  ])('maps the channel event %s to %s, keeping stream, version and time', (type, data, eventType) => {
    const item = toFeedEvent(envelope({ type, data, version: 4, channelId: 'c1' }));
    expect(item).toEqual({
      kind: 'event',
      channelId: 'c1',
      streamId: 'channel-c1',
      eventType,
      sourceType: type,
      version: 4,
      occurredAt: 5,
      data,
    });
  });

  it('routes every auction event to its channel as AUCTION_UPDATED', () => {
    const bid = toFeedEvent(
      envelope({
        streamId: 'auction-a1',
        type: 'BidPlaced',
        channelId: 'c9',
        data: { bidId: 'b1', bidderId: 'u1', amount: 500, placedAt: 3 },
      }),
    );
    expect(bid).toMatchObject({
      channelId: 'c9',
      streamId: 'auction-a1',
      eventType: 'AUCTION_UPDATED',
      sourceType: 'BidPlaced',
    });
  });

  it('falls back to the channel named in the stream id or the body when the envelope has none', () => {
    expect(toFeedEvent(envelope({ streamId: 'channel-c7' }))?.channelId).toBe('c7');
    const opened = toFeedEvent(
      envelope({
        streamId: 'auction-a1',
        type: 'AuctionOpened',
        schemaVersion: 2,
        data: {
          auctionId: 'a1',
          channelId: 'c3',
          sellerId: 's',
          productId: 'p1',
          startingPrice: 100,
          minIncrement: 10,
          currency: 'KRW',
          endsAt: 10,
          extendWindowMs: 0,
          extendByMs: 0,
          openedAt: 1,
        },
      }),
    );
    expect(opened?.channelId).toBe('c3');
  });

  it('upcasts older bodies so viewers only see current shapes', () => {
    const item = toFeedEvent(
      envelope({ type: 'ProductListed', schemaVersion: 1, data: { productId: 'p1', name: 'Coat', price: 100 } }),
    );
    expect(item?.data).toEqual({ productId: 'p1', name: 'Coat', price: 100, category: 'general' });
  });

  it('skips streams viewers never see', () => {
    expect(toFeedEvent(envelope({ streamId: 'trip-t1', type: 'SalesClosed', data: { at: 1 } }))).toBeNull();
    expect(isViewerStream('trip-t1')).toBe(false);
    expect(isViewerStream('channel-')).toBe(false);
    expect(isViewerStream('auction-a1')).toBe(true);
  });

  it('refuses, rather than skips, an event of a viewer stream it cannot map', () => {
    expect(
      codeOf(() =>
        toFeedEvent(
          envelope({
            streamId: 'auction-a1',
            type: 'BidPlaced',
            data: { bidId: 'b', bidderId: 'u', amount: 5, placedAt: 1 },
          }),
        ),
      ),
    ).toBe('UNROUTABLE_EVENT');
    expect(codeOf(() => toFeedEvent(envelope({ type: 'ChannelRenamed', data: {} })))).toBe('UNMAPPED_EVENT_TYPE');
    expect(codeOf(() => toFeedEvent(envelope({ type: 'LiveStarted', data: { startedAt: 'soon' } })))).toBe(
      'INVALID_EVENT',
    );
    expect(codeOf(() => toFeedEvent(envelope({ type: 'LiveStarted', schemaVersion: 9 })))).toBe(
      'UNKNOWN_SCHEMA_VERSION',
    );
  });

  it('names the stored event it cannot read (stream id and version), for the log', () => {
    let caught: unknown;
    try {
      toFeedEvent(envelope({ streamId: 'channel-c9', version: 7, data: { startedAt: 'soon' } }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      name: 'UnreadableEventError',
      streamId: 'channel-c9',
      version: 7,
      type: 'LiveStarted',
      schemaVersion: 1,
    });
    expect((caught as Error).message).toMatch(/^channel-c9 v7: LiveStarted/);
  });
});
