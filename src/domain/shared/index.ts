export * from './brand.js';
export * from './codec.js';
export * from './decider.js';
export * from './envelope.js';
export * from './errors.js';
export * from './faults.js';
export * from './ids.js';
