import fc from 'fast-check';
import type { RecommendationFact } from '../../../src/domain/recommendation/index.js';

export const CHANNELS = ['c1', 'c2', 'c3', 'c4'] as const;
export const USERS = ['u1', 'u2', 'u3'] as const;
export const CATEGORIES = ['beauty', 'food', 'tech'] as const;

/** One thing that happens on the live feed; `logOf` turns a list of them into positioned facts. */
export type Happening =
  | { readonly kind: 'live'; readonly channel: number; readonly on: boolean }
  | { readonly kind: 'viewers'; readonly channel: number; readonly count: number }
  | { readonly kind: 'list'; readonly channel: number; readonly product: number; readonly category: number }
  | { readonly kind: 'open'; readonly channel: number; readonly product: number }
  | { readonly kind: 'bid'; readonly channel: number; readonly user: number }
  | { readonly kind: 'likes'; readonly channel: number; readonly count: number }
  | { readonly kind: 'chat'; readonly channel: number; readonly user: number };

const channel = fc.nat({ max: CHANNELS.length - 1 });
const user = fc.nat({ max: USERS.length - 1 });
export const happening: fc.Arbitrary<Happening> = fc.oneof(
  fc.record({ kind: fc.constant('live' as const), channel, on: fc.boolean() }),
  fc.record({ kind: fc.constant('viewers' as const), channel, count: fc.nat({ max: 50_000 }) }),
  fc.record({
    kind: fc.constant('list' as const),
    channel,
    product: fc.nat({ max: 3 }),
    category: fc.nat({ max: CATEGORIES.length - 1 }),
  }),
  fc.record({ kind: fc.constant('open' as const), channel, product: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant('bid' as const), channel, user }),
  fc.record({ kind: fc.constant('likes' as const), channel, count: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('chat' as const), channel, user }),
);

/**
 * The feed as Kinesis would hold it: every channel stream and auction stream numbered 1, 2, 3…,
 * signals numbered by a per-shard sequence, time moving 7 s per item (so the recent window
 * slides during a long log).
 */
export const logOf = (happenings: readonly Happening[], start = 1_000_000): RecommendationFact[] => {
  const versions = new Map<string, number>();
  const openAuction = new Map<string, string>();
  let shardSeq = 0;
  let auctionNo = 0;
  const next = (stream: string) => {
    const v = (versions.get(stream) ?? 0) + 1;
    versions.set(stream, v);
    return { stream, seq: String(v) };
  };
  const facts: RecommendationFact[] = [];
  happenings.forEach((h, i) => {
    const at = start + i * 7_000;
    const channelId = CHANNELS[h.channel] as string;
    const channelStream = `channel-${channelId}`;
    const signal = () => ({ stream: 'shard:shardId-000000000000', seq: String(++shardSeq).padStart(20, '0') });
    switch (h.kind) {
      case 'live':
        facts.push({ type: h.on ? 'LIVE_STARTED' : 'LIVE_ENDED', position: next(channelStream), channelId, at });
        break;
      case 'viewers':
        facts.push({ type: 'VIEWERS_COUNTED', position: next(channelStream), channelId, count: h.count, asOf: at });
        break;
      case 'list':
        facts.push({
          type: 'PRODUCT_LISTED',
          position: next(channelStream),
          channelId,
          productId: `${channelId}-p${h.product}`,
          category: CATEGORIES[h.category] as string,
        });
        break;
      case 'open': {
        const auctionId = `a${++auctionNo}`;
        openAuction.set(channelId, auctionId);
        facts.push({
          type: 'AUCTION_OPENED',
          position: next(`auction-${auctionId}`),
          channelId,
          auctionId,
          productId: `${channelId}-p${h.product}`,
          at,
        });
        break;
      }
      case 'bid': {
        const auctionId = openAuction.get(channelId);
        if (auctionId === undefined) break;
        facts.push({
          type: 'BID_PLACED',
          position: next(`auction-${auctionId}`),
          channelId,
          auctionId,
          bidderId: USERS[h.user] as string,
          at,
        });
        break;
      }
      case 'likes':
        facts.push({ type: 'LIKES_RECEIVED', position: signal(), channelId, count: h.count, at });
        break;
      case 'chat':
        facts.push({ type: 'CHAT_POSTED', position: signal(), channelId, userId: USERS[h.user] as string, at });
        break;
    }
  });
  return facts;
};

/**
 * At-least-once delivery as a Kinesis shard does it: the log in order, cut into batches, and
 * after a batch possibly a rewind (a failed record makes Lambda retry from it; a lost
 * checkpoint replays further back), so runs of records arrive again. `rewinds` is finite, so
 * delivery always reaches the end.
 */
export const deliveryOf = <T>(log: readonly T[], cuts: readonly number[], rewinds: readonly number[]): T[][] => {
  const batches: T[][] = [];
  let at = 0;
  for (let step = 0; at < log.length; step++) {
    const size = 1 + ((cuts[step % Math.max(1, cuts.length)] ?? 0) % 25);
    const end = Math.min(log.length, at + size);
    batches.push(log.slice(at, end));
    at = Math.max(0, end - (rewinds[step] ?? 0));
  }
  return batches;
};
