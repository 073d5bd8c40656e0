import { InMemoryTokenBucket } from '../../src/adapters/in-memory/rate-limiter-adapter-in-memory.js';
import { rateLimiterContract } from './rate-limiter.contract.js';

rateLimiterContract('in-memory token bucket', (policy, clock) => new InMemoryTokenBucket({ ...policy, clock }));
