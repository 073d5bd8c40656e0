import { beforeAll } from 'vitest';
import { DynamoDbConnectionQuota } from '../../src/adapters/dynamodb/connection-quota-adapter-dynamodb.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { connectionsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { realSleeper } from '../../src/adapters/system/system-clock.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { connectionQuotaContract } from './connection-quota.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('connections');
beforeAll(() => ensureTable(dynamodb, tableName, connectionsTable));

// On the connections table, as in the stack (ws-connect and ws-disconnect already read and write it).
connectionQuotaContract(
  'DynamoDB (DynamoDB Local)',
  () => new DynamoDbConnectionQuota(documentClientFor(dynamodb), tableName, { sleeper: realSleeper }),
);
