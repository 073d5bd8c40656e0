import { InMemoryEventStore } from '../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { eventStoreConcurrencyContract, eventStoreContract } from './event-store.contract.js';

eventStoreContract('in-memory', { makeStore: () => new InMemoryEventStore() });
eventStoreConcurrencyContract('in-memory', { makeStore: () => new InMemoryEventStore() });
