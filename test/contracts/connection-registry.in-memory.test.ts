import { InMemoryConnectionRegistry } from '../../src/adapters/in-memory/connection-registry-adapter-in-memory.js';
import { connectionRegistryContract } from './connection-registry.contract.js';

connectionRegistryContract('in-memory', {
  makeRegistry: ({ shardSize }) => new InMemoryConnectionRegistry({ shardSize }),
});
