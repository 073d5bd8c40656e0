import { InMemoryBlobStore } from '../../src/adapters/in-memory/blob-store-adapter-in-memory.js';
import { blobStoreContract } from './blob-store.contract.js';

blobStoreContract('in-memory', () => new InMemoryBlobStore());
