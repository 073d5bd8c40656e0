import { InMemoryCounterStore } from '../../src/adapters/in-memory/counter-store-adapter-in-memory.js';
import { counterStoreContract } from './counter-store.contract.js';

counterStoreContract('in-memory', () => new InMemoryCounterStore());
