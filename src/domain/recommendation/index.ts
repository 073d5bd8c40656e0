export * from './applied-positions.js';
export * from './cached-recommendations.js';
export * from './channel-popularity.js';
export * from './recommendation-fact.js';
export * from './recommendation-model.js';
export * from './recommendation-request.js';
export * from './recommendation.scoring.js';
export * from './user-taste.js';
