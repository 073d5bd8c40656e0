export * from './auction.decider.js';
export * from './auction.events.js';
export * from './auction.state.js';
