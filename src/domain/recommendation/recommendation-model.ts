import {
  applyToChannel,
  emptyChannelPopularity,
  type ChannelPopularity,
  type TasteFact,
} from './channel-popularity.js';
import type { RecommendationFact } from './recommendation-fact.js';
import { applyToTaste, emptyUserTaste, type UserTaste } from './user-taste.js';

/** The whole read model: channel documents and user documents, by id. */
export interface RecommendationModel {
  readonly channels: ReadonlyMap<string, ChannelPopularity>;
  readonly tastes: ReadonlyMap<string, UserTaste>;
}

export const emptyRecommendationModel = (): RecommendationModel => ({ channels: new Map(), tastes: new Map() });

/**
 * Applies facts, in feed order, to the channel documents they concern; returns the changed
 * documents and the user-taste facts they imply. The projector runs this per batch against
 * the stored documents, then applies the taste facts to the users' documents.
 */
export const projectOntoChannels = (
  channels: ReadonlyMap<string, ChannelPopularity>,
  facts: readonly RecommendationFact[],
): { readonly channels: Map<string, ChannelPopularity>; readonly tastes: TasteFact[] } => {
  const changed = new Map<string, ChannelPopularity>();
  const tastes: TasteFact[] = [];
  for (const fact of facts) {
    const current =
      changed.get(fact.channelId) ?? channels.get(fact.channelId) ?? emptyChannelPopularity(fact.channelId);
    const { doc, taste } = applyToChannel(current, fact);
    if (doc !== current) changed.set(fact.channelId, doc);
    if (taste) tastes.push(taste);
  }
  return { channels: changed, tastes };
};

/** Applies taste facts to the users' documents; returns the changed ones. */
export const projectOntoTastes = (
  tastes: ReadonlyMap<string, UserTaste>,
  facts: readonly TasteFact[],
): Map<string, UserTaste> => {
  const changed = new Map<string, UserTaste>();
  for (const fact of facts) {
    const current = changed.get(fact.userId) ?? tastes.get(fact.userId) ?? emptyUserTaste(fact.userId);
    const next = applyToTaste(current, fact);
    if (next !== current) changed.set(fact.userId, next);
  }
  return changed;
};

/**
 * The model after `facts`: a pure fold, so rebuilding from the log (the feed replayed from its
 * start, or the stored events in occurrence order) gives the model the live projector keeps.
 */
export const applyFacts = (model: RecommendationModel, facts: readonly RecommendationFact[]): RecommendationModel => {
  const onChannels = projectOntoChannels(model.channels, facts);
  const onTastes = projectOntoTastes(model.tastes, onChannels.tastes);
  return {
    channels: new Map([...model.channels, ...onChannels.channels]),
    tastes: new Map([...model.tastes, ...onTastes]),
  };
};
