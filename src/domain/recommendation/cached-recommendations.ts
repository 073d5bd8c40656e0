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

/**
 * Reads a cached value as stored (JSON text). A value that is not JSON, not the current shape,
 * or the answer for another key is unusable: the reason is returned so the caller can log it
 * and treat the value as a miss.
 */
export const decodeCachedRecommendations = (
  raw: string,
  userId: string,
  topN: number,
): { readonly value: CachedRecommendations } | { readonly unreadable: string } => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { unreadable: `not JSON: ${(error as Error).message}` };
  }
  const parsed = CachedRecommendations.safeParse(json);
  if (!parsed.success) {
    return { unreadable: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  }
  if (parsed.data.userId !== userId || parsed.data.topN !== topN) {
    return { unreadable: `holds the answer for ${parsed.data.userId}/top${parsed.data.topN}` };
  }
  return { value: parsed.data };
};
