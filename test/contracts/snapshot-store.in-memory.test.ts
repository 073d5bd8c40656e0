import { InMemorySnapshotStore } from '../../src/adapters/in-memory/snapshot-store-adapter-in-memory.js';
import { snapshotStoreContract } from './snapshot-store.contract.js';

snapshotStoreContract('in-memory', () => new InMemorySnapshotStore());
