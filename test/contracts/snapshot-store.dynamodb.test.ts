import { beforeAll } from 'vitest';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { DynamoDbSnapshotStore } from '../../src/adapters/dynamodb/snapshot-store-adapter-dynamodb.js';
import { snapshotsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { snapshotStoreContract } from './snapshot-store.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('snapshots');
beforeAll(() => ensureTable(dynamodb, tableName, snapshotsTable));

snapshotStoreContract(
  'DynamoDB (DynamoDB Local)',
  () => new DynamoDbSnapshotStore(documentClientFor(dynamodb), tableName),
);
