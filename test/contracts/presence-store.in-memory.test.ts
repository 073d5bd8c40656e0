import { InMemoryPresenceStore } from '../../src/adapters/in-memory/presence-store-adapter-in-memory.js';
import { presenceStoreContract } from './presence-store.contract.js';

presenceStoreContract('in-memory', { makeStore: ({ now }) => new InMemoryPresenceStore({ now }) });
