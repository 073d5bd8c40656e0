import { beforeAll } from 'vitest';
import { DynamoDbConnectionSessions } from '../../src/adapters/dynamodb/connection-sessions-adapter-dynamodb.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { connectionsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { connectionSessionsContract } from './connection-sessions.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('connections');
beforeAll(() => ensureTable(dynamodb, tableName, connectionsTable));

// The bindings live on the connections table, as in the stack.
connectionSessionsContract(
  'DynamoDB (DynamoDB Local)',
  () => new DynamoDbConnectionSessions(documentClientFor(dynamodb), tableName, { clock: systemClock }),
);
