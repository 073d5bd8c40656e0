import { describe, expect, it } from 'vitest';
import { factFromFeedItem, RecommendationRequest } from '../../../src/domain/recommendation/index.js';
import type { FeedItem } from '../../../src/domain/live-feed/feed-item.js';

const shardPosition = { stream: 'shard:shardId-000000000001', seq: '4959' };

describe('recommendation request', () => {
  it('defaults topN to 10 and accepts epoch ms or ISO-8601 timestamps', () => {
    expect(RecommendationRequest.parse({ userId: 'u1', requestId: 'r1', timestamp: 5 })).toEqual({ userId: 'u1', topN: 10, requestId: 'r1', timestamp: 5 });
    expect(RecommendationRequest.parse({ userId: 'u1', topN: 20, requestId: 'r1', timestamp: '2025-10-24T10:30:00Z' }).timestamp).toBe(
      Date.UTC(2025, 9, 24, 10, 30),
    );
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
    expect(factFromFeedItem(event('BidPlaced', 'auction-a7', { bidId: 'b1', bidderId: 'u1', amount: 100, placedAt: 9 }), shardPosition)).toEqual({
      type: 'BID_PLACED',
      position: { stream: 'auction-a7', seq: '4' },
      channelId: 'c1',
      auctionId: 'a7',
      bidderId: 'u1',
      at: 9,
    });
    expect(factFromFeedItem({ kind: 'signal', signal: 'LIKES', channelId: 'c1', count: 3, at: 5 }, shardPosition)).toEqual({
      type: 'LIKES_RECEIVED',
      position: shardPosition,
      channelId: 'c1',
      count: 3,
      at: 5,
    });
  });

  it('ignores event types the recommender does not use and bodies that are not the current schema', () => {
    expect(factFromFeedItem(event('PriceChanged', 'channel-c1', { productId: 'p', price: 2, previousPrice: 1, changedAt: 1 }), shardPosition)).toBeNull();
    expect(factFromFeedItem(event('BidPlaced', 'auction-a7', { bidderId: 'u1' }), shardPosition)).toBeNull();
  });
});
