import type { CachedRecommendations } from '../../domain/recommendation/cached-recommendations.js';

/** The cache could not be reached or refused the command; the caller decides (retry, degrade). */
export class RecommendationCacheError extends Error {
  override readonly name = 'RecommendationCacheError';
}

/**
 * Computed recommendations per (user, topN), kept for a TTL (Redis in AWS, key
 * `rec:user:{userId}:top{n}`, TTL 3600 s by default). A value that is unreadable (corrupt,
 * an older shape) reads as a miss, never as an error: the caller recomputes and overwrites it.
 */
export interface RecommendationCache {
  /** The cached answer, or null when absent, expired or unreadable. */
  get(userId: string, topN: number): Promise<CachedRecommendations | null>;
  /** Stores the answer under (entry.userId, entry.topN) for the cache's TTL, replacing any other. */
  put(entry: CachedRecommendations): Promise<void>;
}

/** The cache key of the seed (`rec:user:{userId}:top{n}`), shared by every adapter. */
export const recommendationCacheKey = (userId: string, topN: number): string => `rec:user:${userId}:top${topN}`;

/** Called when a stored value cannot be used (so it reads as a miss): adapters log through it. */
export type UnreadableValueListener = (key: string, reason: string) => void;
