import { beforeAll } from 'vitest';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { DynamoDbPresenceStore } from '../../src/adapters/dynamodb/presence-store-adapter-dynamodb.js';
import { presenceTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { presenceStoreContract } from './presence-store.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('presence');
beforeAll(() => ensureTable(dynamodb, tableName, presenceTable));

presenceStoreContract('DynamoDB (DynamoDB Local)', {
  makeStore: ({ now, pageSize }) =>
    new DynamoDbPresenceStore(documentClientFor(dynamodb), tableName, {
      clock: { now },
      ...(pageSize ? { pageSize } : {}),
    }),
  // Each run writes up to 32 beats to DynamoDB Local; 40 runs keep the file quick.
  propertyRuns: 40,
});
