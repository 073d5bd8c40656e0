import { beforeAll } from 'vitest';
import type { CounterStore } from '../../src/application/ports/counter-store.port.js';
import { DynamoDbCounterStore } from '../../src/adapters/dynamodb/counter-store-adapter-dynamodb.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { countersTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { realSleeper, systemClock } from '../../src/adapters/system/system-clock.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { counterStoreContract } from './counter-store.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('counters');
beforeAll(() => ensureTable(dynamodb, tableName, countersTable));

// Real sleeper: concurrent transactions on one item really conflict in DynamoDB Local and are retried.
counterStoreContract(
  'DynamoDB (DynamoDB Local)',
  (): CounterStore =>
    new DynamoDbCounterStore(documentClientFor(dynamodb), tableName, { clock: systemClock, sleeper: realSleeper }),
);
