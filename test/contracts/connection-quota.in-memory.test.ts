import { InMemoryConnectionQuota } from '../../src/adapters/in-memory/connection-quota-adapter-in-memory.js';
import { connectionQuotaContract } from './connection-quota.contract.js';

connectionQuotaContract('in-memory', () => new InMemoryConnectionQuota());
