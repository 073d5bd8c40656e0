import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyFacts,
  applyToChannel,
  compareSeq,
  emptyChannelPopularity,
  emptyRecommendationModel,
  rankChannels,
  type RecommendationFact,
  type RecommendationModel,
} from '../../../src/domain/recommendation/index.js';
import { deliveryOf, happening, logOf, USERS } from './recommend.fixtures.js';

const rankingsOf = (model: RecommendationModel, now: number) =>
  [...USERS, 'stranger'].map((u) =>
    rankChannels([...model.channels.values()], model.tastes.get(u) ?? null, { topN: 10, now }),
  );

describe('recommendation projection', () => {
  it('compares sequence numbers numerically, beyond the range of a JS number', () => {
    expect(compareSeq('9', '10')).toBeLessThan(0);
    expect(compareSeq('0010', '10')).toBe(0);
    const big = '49590338271490256608559692538361571095921575989136588898';
    expect(compareSeq(big, `${big.slice(0, -1)}9`)).toBeLessThan(0);
  });

  it('ignores a redelivered fact and a fact older than the stream mark', () => {
    const fact = (seq: string, count: number): RecommendationFact => ({
      type: 'VIEWERS_COUNTED',
      position: { stream: 'channel-c1', seq },
      channelId: 'c1',
      count,
      asOf: Number(seq) * 1000,
    });
    const once = applyToChannel(emptyChannelPopularity('c1'), fact('2', 100)).doc;
    expect(applyToChannel(once, fact('2', 100)).doc).toBe(once);
    expect(applyToChannel(once, fact('1', 5)).doc).toBe(once);
    expect(applyToChannel(once, fact('3', 7)).doc.viewers).toBe(7);
  });

  it('keeps the newest viewer count even when an older measurement is appended later', () => {
    const doc = [
      { seq: '1', count: 10, asOf: 2_000 },
      { seq: '2', count: 99, asOf: 1_000 },
    ].reduce(
      (d, { seq, count, asOf }) =>
        applyToChannel(d, {
          type: 'VIEWERS_COUNTED',
          position: { stream: 'channel-c1', seq },
          channelId: 'c1',
          count,
          asOf,
        }).doc,
      emptyChannelPopularity('c1'),
    );
    expect(doc.viewers).toBe(10);
  });

  it('returns the taste fact of a redelivered bid, so a user document that missed it can catch up', () => {
    const opened: RecommendationFact = {
      type: 'AUCTION_OPENED',
      position: { stream: 'auction-a1', seq: '1' },
      channelId: 'c1',
      auctionId: 'a1',
      productId: 'p1',
      at: 1,
    };
    const listed: RecommendationFact = {
      type: 'PRODUCT_LISTED',
      position: { stream: 'channel-c1', seq: '1' },
      channelId: 'c1',
      productId: 'p1',
      category: 'tech',
    };
    const bid: RecommendationFact = {
      type: 'BID_PLACED',
      position: { stream: 'auction-a1', seq: '2' },
      channelId: 'c1',
      auctionId: 'a1',
      bidderId: 'u1',
      at: 2,
    };
    let doc = emptyChannelPopularity('c1');
    for (const f of [listed, opened, bid]) doc = applyToChannel(doc, f).doc;
    const again = applyToChannel(doc, bid);
    expect(again.doc).toBe(doc);
    expect(again.taste).toEqual({ userId: 'u1', channelId: 'c1', category: 'tech', position: bid.position });
  });

  it('rejects a fact of another channel (a routing bug, not data to absorb)', () => {
    expect(() =>
      applyToChannel(emptyChannelPopularity('c1'), {
        type: 'LIVE_STARTED',
        position: { stream: 'channel-c2', seq: '1' },
        channelId: 'c2',
        at: 1,
      }),
    ).toThrow(RangeError);
  });

  it('builds the same model whatever the batch boundaries and redeliveries (Kinesis at-least-once)', () => {
    fc.assert(
      fc.property(
        fc.array(happening, { minLength: 1, maxLength: 120 }),
        fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat({ max: 30 }), { maxLength: 20 }),
        (happenings, cuts, rewinds) => {
          const log = logOf(happenings);
          const rebuilt = applyFacts(emptyRecommendationModel(), log);
          const live = deliveryOf(log, cuts, rewinds).reduce(applyFacts, emptyRecommendationModel());
          expect(live.channels).toEqual(rebuilt.channels);
          expect(live.tastes).toEqual(rebuilt.tastes);
          const end = 1_000_000 + happenings.length * 7_000;
          expect(rankingsOf(live, end)).toEqual(rankingsOf(rebuilt, end));
        },
      ),
      { numRuns: 300 },
    );
  });
});
