import { z } from 'zod';
import { AppliedPositions, isApplied, markApplied } from './applied-positions.js';
import type { TasteFact } from './channel-popularity.js';

const MAX_CHANNELS = 100;
const MAX_CATEGORIES = 50;
const MAX_APPLIED_STREAMS = 256;

const Counts = z.record(z.string().min(1), z.number().int().positive());

/**
 * A user's own history: the channels they engaged with (watched, chatted, bid in) and the
 * product categories they bid on. Facts come from every channel's partition, so several
 * writers may update one user at once; the store saves it with a revision check.
 */
export const UserTaste = z.object({
  userId: z.string().min(1),
  channels: Counts,
  categories: Counts,
  applied: AppliedPositions,
});
export type UserTaste = z.infer<typeof UserTaste>;

export const emptyUserTaste = (userId: string): UserTaste => ({ userId, channels: {}, categories: {}, applied: [] });

/**
 * Adds one to `key`. Past `limit` keys, the smallest counts other than `key` are dropped (ties
 * drop the larger key), so what is forgotten depends only on the counts, never on timing.
 */
const increment = (counts: Readonly<Record<string, number>>, key: string, limit: number): Record<string, number> => {
  const next = { ...counts, [key]: (counts[key] ?? 0) + 1 };
  const others = Object.entries(next).filter(([k]) => k !== key);
  if (others.length < limit) return next;
  others.sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0));
  return Object.fromEntries([...others.slice(0, limit - 1), [key, next[key] as number]]);
};

/** Applies one taste fact; a redelivered one (at or below its stream's mark) changes nothing. */
export const applyToTaste = (taste: UserTaste, fact: TasteFact): UserTaste => {
  if (fact.userId !== taste.userId) {
    throw new RangeError(`taste fact of user ${fact.userId} applied to the document of user ${taste.userId}`);
  }
  if (isApplied(taste.applied, fact.position)) return taste;
  return {
    userId: taste.userId,
    channels: increment(taste.channels, fact.channelId, MAX_CHANNELS),
    categories: fact.category === null ? taste.categories : increment(taste.categories, fact.category, MAX_CATEGORIES),
    applied: markApplied(taste.applied, fact.position, MAX_APPLIED_STREAMS),
  };
};
