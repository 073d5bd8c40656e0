import type { EventEnvelope } from '../../domain/shared/envelope.js';
import { factsFromStoredEvents } from '../../domain/recommendation/recommendation-log.js';
import type { ProjectionSummary, ProjectRecommendationFacts } from './project-recommendation-facts.js';

/**
 * Rebuilds the recommender's read model from the event log, into whatever store the projector
 * writes (an empty one, or the live one: facts already applied are skipped by their gates, so
 * a rebuild over a live model only fills what it missed). Projects in chunks so a big log
 * never becomes one giant batch.
 */
export const rebuildRecommendationModel = async (
  project: Pick<ProjectRecommendationFacts, 'project'>,
  envelopes: readonly EventEnvelope[],
  chunkSize = 1_000,
  /** Called after each chunk with the facts projected so far (for a progress line). */
  onProgress?: (projected: number) => void,
): Promise<ProjectionSummary> => {
  const facts = factsFromStoredEvents(envelopes);
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
