import type { EventEnvelope } from '../../domain/shared/envelope.js';
import { factsFromStoredEvents } from '../../domain/recommendation/recommendation-log.js';
import type { RecommendationFact } from '../../domain/recommendation/recommendation-fact.js';
import type { ProjectionSummary, ProjectRecommendationFacts } from './project-recommendation-facts.js';

/**
 * Rebuilds the recommender's read model from the event log into an EMPTY store, with nothing
 * else writing to it meanwhile. The model keeps only the highest position applied per stream,
 * not a set of facts: over a non-empty model (or while the consumer applies newer versions of a
 * stream) the older history of every stream already seen is skipped as redelivered, and lost.
 * Projects in chunks so a big log never becomes one giant batch.
 */
export const rebuildRecommendationModel = async (
  project: Pick<ProjectRecommendationFacts, 'project'>,
  envelopes: readonly EventEnvelope[],
  chunkSize = 1_000,
  /** Called after each chunk with the facts projected so far (for a progress line). */
  onProgress?: (projected: number) => void,
): Promise<ProjectionSummary> => projectInChunks(project, factsFromStoredEvents(envelopes), chunkSize, onProgress);

/** Projects `facts` (in log order) `chunkSize` at a time; see `rebuildRecommendationModel`. */
export const projectInChunks = async (
  project: Pick<ProjectRecommendationFacts, 'project'>,
  facts: readonly RecommendationFact[],
  chunkSize = 1_000,
  onProgress?: (projected: number) => void,
): Promise<ProjectionSummary> => {
  const total = { facts: 0, channelsSaved: 0, usersSaved: 0, conflicts: 0 };
  for (let at = 0; at < facts.length; at += chunkSize) {
    const summary = await project.project(facts.slice(at, at + chunkSize));
    total.facts += summary.facts;
    total.channelsSaved += summary.channelsSaved;
    total.usersSaved += summary.usersSaved;
    total.conflicts += summary.conflicts;
    onProgress?.(Math.min(at + chunkSize, facts.length));
  }
  return total;
};
