import { beforeAll } from 'vitest';
import { DynamoDbRateLimiter } from '../../src/adapters/dynamodb/rate-limiter-adapter-dynamodb.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { connectionsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { realSleeper } from '../../src/adapters/system/system-clock.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { rateLimiterContract } from './rate-limiter.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('connections');
beforeAll(() => ensureTable(dynamodb, tableName, connectionsTable));

// On the connections table, as in the stack (ws-message already reads and writes it). The
// clock is the contract's fake one; the race backoff really sleeps, so the concurrent callers interleave.
rateLimiterContract('DynamoDB (DynamoDB Local)', (policy, clock) =>
  new DynamoDbRateLimiter(documentClientFor(dynamodb), tableName, {
    ...policy,
    name: uniqueName('chat-user'),
    clock,
    sleeper: realSleeper,
    raceBackoff: { maxAttempts: 50, baseDelayMs: 5, maxDelayMs: 50 },
  }),
);
