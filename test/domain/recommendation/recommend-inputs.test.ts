import { describe, expect, it } from 'vitest';
import {
  factFromFeedItem,
  factsFromStoredEvents,
  RecommendationRequest,
  RecommendationRequestRecordSchema,
  toRequestRecord,
} from '../../../src/domain/recommendation/index.js';
import type { EventEnvelope } from '../../../src/domain/shared/envelope.js';
import type { FeedItem } from '../../../src/domain/live-feed/feed-item.js';

const shardPosition = { stream: 'shard:shardId-000000000001', seq: '4959' };

describe('recommendation request', () => {
  it('reads the design record { user_id, top_n, request_id, timestamp } and the older camelCase one to the same request', () => {
    const request = { userId: 'u1', topN: 5, requestId: 'r1', timestamp: 7 };
    expect(
      RecommendationRequestRecordSchema.parse({ user_id: 'u1', top_n: 5, request_id: 'r1', timestamp: 7 }),
    ).toEqual(request);
    expect(RecommendationRequestRecordSchema.parse({ userId: 'u1', topN: 5, requestId: 'r1', timestamp: 7 })).toEqual(
      request,
    );
    // Both spellings in one record: the canonical one wins.
    expect(
      RecommendationRequestRecordSchema.parse({
        user_id: 'u1',
        userId: 'u2',
        top_n: 5,
        topN: 9,
        request_id: 'r1',
        timestamp: 7,
      }),
    ).toEqual(request);
    expect(toRequestRecord(RecommendationRequest.parse(request))).toEqual({
      user_id: 'u1',
      top_n: 5,
      request_id: 'r1',
      timestamp: 7,
    });
    const failed = RecommendationRequestRecordSchema.safeParse({
      userId: 'u1',
      topN: 0,
      requestId: 'r1',
      timestamp: 7,
    });
    expect(failed.error?.issues.map((i) => i.path[0])).toEqual(['top_n']);
  });

  it('defaults topN to 10 and accepts epoch ms or ISO-8601 timestamps', () => {
    expect(RecommendationRequest.parse({ userId: 'u1', requestId: 'r1', timestamp: 5 })).toEqual({
      userId: 'u1',
      topN: 10,
      requestId: 'r1',
      timestamp: 5,
    });
    expect(
      RecommendationRequest.parse({ userId: 'u1', topN: 20, requestId: 'r1', timestamp: '2025-10-24T10:30:00Z' })
        .timestamp,
    ).toBe(Date.UTC(2025, 9, 24, 10, 30));
  });

  it.each([
    [{ userId: 'u1', topN: 0, requestId: 'r', timestamp: 1 }, 'topN'],
    [{ userId: 'u1', topN: 51, requestId: 'r', timestamp: 1 }, 'topN'],
    [{ userId: 'u1', topN: 2.5, requestId: 'r', timestamp: 1 }, 'topN'],
    [{ userId: '', requestId: 'r', timestamp: 1 }, 'userId'],
    [{ userId: 'u 1', requestId: 'r', timestamp: 1 }, 'userId'],
    [{ userId: 'u1', timestamp: 1 }, 'requestId'],
    [{ userId: 'u1', requestId: 'r', timestamp: 'yesterday' }, 'timestamp'],
  ])('rejects %j naming %s', (input, field) => {
    const parsed = RecommendationRequest.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path[0])).toContain(field);
  });
});

describe('facts from the live feed', () => {
  const event = (sourceType: string, streamId: string, data: Record<string, unknown>): FeedItem => ({
    kind: 'event',
    channelId: 'c1',
    streamId,
    eventType: 'AUCTION_UPDATED',
    sourceType,
    version: 4,
    occurredAt: 1,
    data,
  });

  it('locates versioned events by (streamId, version) and signals by shard position', () => {
    expect(
      factFromFeedItem(
        event('BidPlaced', 'auction-a7', { bidId: 'b1', bidderId: 'u1', amount: 100, placedAt: 9 }),
        shardPosition,
      ),
    ).toEqual({
      type: 'BID_PLACED',
      position: { stream: 'auction-a7', seq: '4' },
      channelId: 'c1',
      auctionId: 'a7',
      bidderId: 'u1',
      at: 9,
    });
    expect(
      factFromFeedItem({ kind: 'signal', signal: 'LIKES', channelId: 'c1', count: 3, at: 5 }, shardPosition),
    ).toEqual({
      type: 'LIKES_RECEIVED',
      position: shardPosition,
      channelId: 'c1',
      count: 3,
      at: 5,
    });
  });

  it('ignores event types the recommender does not use and bodies that are not the current schema', () => {
    expect(
      factFromFeedItem(
        event('PriceChanged', 'channel-c1', { productId: 'p', price: 2, previousPrice: 1, changedAt: 1 }),
        shardPosition,
      ),
    ).toBeNull();
    expect(factFromFeedItem(event('BidPlaced', 'auction-a7', { bidderId: 'u1' }), shardPosition)).toBeNull();
  });
});

describe('facts from the stored log (rebuild)', () => {
  const envelope = (
    streamId: string,
    version: number,
    type: string,
    data: unknown,
    occurredAt: number,
    channelId?: string,
  ): EventEnvelope => ({
    streamId,
    version,
    eventId: `${streamId}-${version}`,
    type,
    schemaVersion: type === 'AuctionOpened' || type === 'ProductListed' ? 2 : 1,
    occurredAt,
    data,
    ...(channelId ? { channelId } : {}),
  });

  it('orders by occurrence, skips streams viewers never see, and maps what the recommender uses', () => {
    const facts = factsFromStoredEvents([
      envelope(
        'auction-a1',
        1,
        'AuctionOpened',
        {
          auctionId: 'a1',
          channelId: 'c1',
          sellerId: 's',
          productId: 'p1',
          startingPrice: 1,
          minIncrement: 1,
          currency: 'KRW',
          endsAt: 9,
          extendWindowMs: 0,
          extendByMs: 0,
          openedAt: 3,
        },
        3,
        'c1',
      ),
      envelope('channel-c1', 1, 'ProductListed', { productId: 'p1', name: 'P', price: 5, category: 'tech' }, 1),
      envelope('trip-t1', 1, 'SalesClosed', { at: 2 }, 2),
      envelope('channel-c1', 2, 'PriceChanged', { productId: 'p1', price: 6, previousPrice: 5, changedAt: 4 }, 4),
    ]);
    expect(facts.map((f) => [f.type, f.position.stream, f.position.seq])).toEqual([
      ['PRODUCT_LISTED', 'channel-c1', '1'],
      ['AUCTION_OPENED', 'auction-a1', '1'],
    ]);
  });

  it('skips an event the relay could not map either (no channel to route it to)', () => {
    expect(
      factsFromStoredEvents([
        envelope('auction-a9', 1, 'BidPlaced', { bidId: 'b', bidderId: 'u', amount: 5, placedAt: 1 }, 1),
      ]),
    ).toEqual([]);
  });
});
