import { z } from 'zod';
import { recentCount, type ChannelPopularity } from './channel-popularity.js';
import type { UserTaste } from './user-taste.js';

/** Products suggested with each channel: a few, the user's favourite categories first. */
export const PRODUCTS_PER_RECOMMENDATION = 3;

export const Recommendation = z.object({
  channelId: z.string().min(1),
  title: z.string().nullable(),
  score: z.number().nonnegative(),
  viewers: z.number().int().nonnegative(),
  /** FOR_YOU when the user's own history raised the score, POPULAR when popularity alone did. */
  reason: z.enum(['POPULAR', 'FOR_YOU']),
  productIds: z.array(z.string().min(1)).max(PRODUCTS_PER_RECOMMENDATION),
});
export type Recommendation = z.infer<typeof Recommendation>;

/**
 * Weights of the blend. Every signal enters as log(1 + x): a channel with 10,000 viewers
 * should beat one with 100, but not bury everything a user cares about.
 */
export const SCORING_WEIGHTS = {
  viewers: 1,
  recentBids: 1.5,
  recentLikes: 0.5,
  /** The user's engagement with this very channel (watched, chatted, bid). */
  engagement: 2,
  /** Share (0..1) of the user's bids in the channel's best-matching category. */
  category: 3,
} as const;

export interface RankOptions {
  readonly topN: number;
  /** Scoring time: "recent" bids and likes are those of the window ending here. */
  readonly now: number;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const popularityOf = (channel: ChannelPopularity, now: number): number =>
  SCORING_WEIGHTS.viewers * Math.log1p(channel.viewers) +
  SCORING_WEIGHTS.recentBids * Math.log1p(recentCount(channel.bids, now)) +
  SCORING_WEIGHTS.recentLikes * Math.log1p(recentCount(channel.likes, now));

const categoryShare = (channel: ChannelPopularity, taste: UserTaste, totalBids: number): number => {
  if (totalBids === 0) return 0;
  let best = 0;
  for (const { category } of channel.products) best = Math.max(best, (taste.categories[category] ?? 0) / totalBids);
  return best;
};

const affinityOf = (channel: ChannelPopularity, taste: UserTaste | null, totalBids: number): number =>
  taste === null
    ? 0
    : SCORING_WEIGHTS.engagement * Math.log1p(taste.channels[channel.channelId] ?? 0) +
      SCORING_WEIGHTS.category * categoryShare(channel, taste, totalBids);

const productsFor = (channel: ChannelPopularity, taste: UserTaste | null): string[] =>
  channel.products
    .map((p, index) => ({ productId: p.productId, index, weight: taste?.categories[p.category] ?? 0 }))
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .slice(0, PRODUCTS_PER_RECOMMENDATION)
    .map((p) => p.productId);

/**
 * The top live channels for a user: popularity (viewers, recent bids, recent likes) blended
 * with the user's own history; `taste` null (an unknown user) means popularity only. Pure and
 * deterministic: equal scores are ordered by channel id.
 */
export const rankChannels = (
  channels: readonly ChannelPopularity[],
  taste: UserTaste | null,
  { topN, now }: RankOptions,
): Recommendation[] => {
  const totalBids = taste === null ? 0 : Object.values(taste.categories).reduce((a, b) => a + b, 0);
  return channels
    .filter((c) => c.live)
    .map((channel) => {
      const affinity = round(affinityOf(channel, taste, totalBids));
      return { channel, affinity, score: round(popularityOf(channel, now) + affinity) };
    })
    .sort((a, b) => b.score - a.score || byKey(a.channel.channelId, b.channel.channelId))
    .slice(0, Math.max(0, topN))
    .map(({ channel, affinity, score }) => ({
      channelId: channel.channelId,
      title: channel.title,
      score,
      viewers: channel.viewers,
      reason: affinity > 0 ? 'FOR_YOU' : 'POPULAR',
      productIds: productsFor(channel, taste),
    }));
};
