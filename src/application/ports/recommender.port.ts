import type { Recommendation } from '../../domain/recommendation/recommendation.scoring.js';

/**
 * Computes recommendations for a user now (the seed's "recommendation service"). The default
 * implementation scores the read model in-process; another could call a remote model.
 */
export interface Recommender {
  /** Up to `topN` live channels for the user, best first; popularity only for an unknown user. */
  recommend(userId: string, topN: number): Promise<readonly Recommendation[]>;
}
