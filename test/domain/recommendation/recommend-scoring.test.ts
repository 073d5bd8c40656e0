import { describe, expect, it } from 'vitest';
import {
  applyFacts,
  emptyRecommendationModel,
  rankChannels,
  RECENT_WINDOW_MS,
  type RecommendationFact,
} from '../../../src/domain/recommendation/index.js';

const NOW = 10_000_000;
let seq = 0;
const pos = (stream: string) => ({ stream, seq: String(++seq) });
const live = (channelId: string, viewers: number, title = `Live ${channelId}`): RecommendationFact[] => [
  { type: 'CHANNEL_SCHEDULED', position: pos(`channel-${channelId}`), channelId, title },
  { type: 'LIVE_STARTED', position: pos(`channel-${channelId}`), channelId, at: NOW - 60_000 },
  { type: 'VIEWERS_COUNTED', position: pos(`channel-${channelId}`), channelId, count: viewers, asOf: NOW - 1_000 },
];
const listed = (channelId: string, productId: string, category: string): RecommendationFact => ({
  type: 'PRODUCT_LISTED',
  position: pos(`channel-${channelId}`),
  channelId,
  productId,
  category,
});
const auction = (channelId: string, auctionId: string, productId: string): RecommendationFact => ({
  type: 'AUCTION_OPENED',
  position: pos(`auction-${auctionId}`),
  channelId,
  auctionId,
  productId,
  at: NOW - 50_000,
});
const bid = (channelId: string, auctionId: string, bidderId: string, at = NOW - 10_000): RecommendationFact => ({
  type: 'BID_PLACED',
  position: pos(`auction-${auctionId}`),
  channelId,
  auctionId,
  bidderId,
  at,
});

const modelOf = (facts: RecommendationFact[]) => applyFacts(emptyRecommendationModel(), facts);
const rank = (facts: RecommendationFact[], userId: string | null, topN = 10, now = NOW) => {
  const model = modelOf(facts);
  return rankChannels([...model.channels.values()], userId === null ? null : (model.tastes.get(userId) ?? null), {
    topN,
    now,
  });
};

describe('recommendation scoring', () => {
  it('ranks live channels by popularity for an unknown user, and only live ones', () => {
    const ended: RecommendationFact[] = [
      ...live('c9', 90_000),
      { type: 'LIVE_ENDED', position: pos('channel-c9'), channelId: 'c9', at: NOW - 5_000 },
    ];
    const result = rank([...live('small', 10), ...live('big', 10_000), ...ended], 'nobody');
    expect(result.map((r) => r.channelId)).toEqual(['big', 'small']);
    expect(result.every((r) => r.reason === 'POPULAR')).toBe(true);
  });

  it('lifts channels selling what the user bids on, above a somewhat more popular one', () => {
    const facts = [
      ...live('shoes', 1_000),
      ...live('phones', 1_500),
      listed('shoes', 'sneaker', 'fashion'),
      listed('phones', 'pixel', 'tech'),
      ...live('elsewhere', 10),
      listed('elsewhere', 'boot', 'fashion'),
      auction('elsewhere', 'a1', 'boot'),
      bid('elsewhere', 'a1', 'alice'),
      bid('elsewhere', 'a1', 'alice'),
    ];
    expect(rank(facts, null).map((r) => r.channelId)).toEqual(['phones', 'shoes', 'elsewhere']);
    const forAlice = rank(facts, 'alice');
    expect(forAlice[0]).toMatchObject({ channelId: 'shoes', reason: 'FOR_YOU', productIds: ['sneaker'] });
    expect(forAlice.find((r) => r.channelId === 'phones')?.reason).toBe('POPULAR');
  });

  it('counts bids only within the recent window', () => {
    const base = [...live('a', 100), ...live('b', 100), listed('a', 'p', 'x'), auction('a', 'a1', 'p')];
    const recent = [...base, bid('a', 'a1', 'u', NOW - 60_000)];
    const old = [...base, bid('a', 'a1', 'u', NOW - RECENT_WINDOW_MS - 120_000)];
    expect(rank(recent, null)[0]?.channelId).toBe('a');
    expect(rank(old, null)[0]?.score).toBe(rank(old, null)[1]?.score);
  });

  it('breaks ties by channel id and honours topN', () => {
    const facts = ['d', 'b', 'a', 'c'].flatMap((id) => live(id, 500));
    expect(rank(facts, null).map((r) => r.channelId)).toEqual(['a', 'b', 'c', 'd']);
    expect(rank(facts, null, 2).map((r) => r.channelId)).toEqual(['a', 'b']);
  });

  it("orders suggested products by the user's categories, then listing order, at most three", () => {
    const facts = [
      ...live('c', 100),
      ...['p1', 'p2', 'p3'].map((p) => listed('c', p, 'home')),
      listed('c', 'p4', 'tech'),
      listed('c', 'p5', 'home'),
      ...live('o', 1),
      listed('o', 'q', 'tech'),
      auction('o', 'a9', 'q'),
      bid('o', 'a9', 'bob'),
    ];
    expect(rank(facts, null)[0]?.productIds).toEqual(['p1', 'p2', 'p3']);
    expect(rank(facts, 'bob').find((r) => r.channelId === 'c')?.productIds).toEqual(['p4', 'p1', 'p2']);
  });
});
