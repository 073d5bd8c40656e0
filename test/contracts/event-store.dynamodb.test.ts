import { beforeAll } from 'vitest';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { eventsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { eventStoreContract } from './event-store.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('events');
beforeAll(() => ensureTable(dynamodb, tableName, eventsTable));

// One table for the file; every test writes its own streams.
eventStoreContract('DynamoDB (DynamoDB Local)', {
  makeStore: (options) => new DynamoDbEventStore(documentClientFor(dynamodb), tableName, options),
  // Each run is a handful of round trips to DynamoDB Local; 50 keep the file quick.
  propertyRuns: 50,
});
