export * from './channel-view.js';
export * from './coalesce.js';
export * from './feed-item.js';
export * from './feed-mapping.js';
export * from './close-codes.js';
