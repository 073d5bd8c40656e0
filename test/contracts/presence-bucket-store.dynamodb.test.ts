import { beforeAll } from 'vitest';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { DynamoDbPresenceBucketStore } from '../../src/adapters/dynamodb/presence-bucket-store-adapter-dynamodb.js';
import { presenceTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { presenceBucketStoreContract } from './presence-bucket-store.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('presence-buckets');
beforeAll(() => ensureTable(dynamodb, tableName, presenceTable));

presenceBucketStoreContract('DynamoDB (DynamoDB Local)', {
  makeStore: () =>
    new DynamoDbPresenceBucketStore(documentClientFor(dynamodb), tableName, { clock: { now: () => Date.now() } }),
  propertyRuns: 30,
});
