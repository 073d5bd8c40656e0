import { beforeAll } from 'vitest';
import type { ConnectionRegistry } from '../../src/application/ports/connection-registry.port.js';
import { DynamoDbConnectionRegistry } from '../../src/adapters/dynamodb/connection-registry-adapter-dynamodb.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { connectionsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { realSleeper, systemClock } from '../../src/adapters/system/system-clock.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { connectionRegistryContract } from './connection-registry.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('connections');
beforeAll(() => ensureTable(dynamodb, tableName, connectionsTable));

connectionRegistryContract('DynamoDB (DynamoDB Local)', {
  makeRegistry: ({ shardSize }): ConnectionRegistry =>
    new DynamoDbConnectionRegistry(documentClientFor(dynamodb), tableName, {
      shardSize,
      clock: systemClock,
      sleeper: realSleeper,
      pageSize: 2,
    }),
});
