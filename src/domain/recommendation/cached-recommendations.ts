import { z } from 'zod';
import { MAX_TOP_N, TopN } from './recommendation-request.js';
import { Recommendation } from './recommendation.scoring.js';

/** A computed answer as cached (Redis value, JSON): validated again whenever it is read. */
export const CachedRecommendations = z.object({
  userId: z.string().min(1),
  topN: TopN,
  recommendations: z.array(Recommendation).max(MAX_TOP_N),
  computedAt: z.number().int().nonnegative(),
});
export type CachedRecommendations = z.infer<typeof CachedRecommendations>;
