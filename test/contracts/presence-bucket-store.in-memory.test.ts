import { InMemoryPresenceBucketStore } from '../../src/adapters/in-memory/presence-bucket-store-adapter-in-memory.js';
import { presenceBucketStoreContract } from './presence-bucket-store.contract.js';

presenceBucketStoreContract('in-memory', { makeStore: () => new InMemoryPresenceBucketStore() });
