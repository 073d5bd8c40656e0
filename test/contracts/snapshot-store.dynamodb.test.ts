import { brotliDecompressSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
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

describe('DynamoDB snapshot items', () => {
  const doc = documentClientFor(dynamodb);
  const store = () => new DynamoDbSnapshotStore(doc, tableName);
  const state = { status: 'OPEN', bids: { ids: Array.from({ length: 2_000 }, (_, i) => `b${i}`) } };

  it('are written Brotli-compressed, saying so, and read back', async () => {
    const streamId = uniqueName('br');
    await store().save({ streamId, version: 7, schemaVersion: 2, state });
    const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { streamId } }));
    expect(Item?.['encoding']).toBe('br');
    expect(brotliDecompressSync(Item?.['state'] as Uint8Array).toString('utf8')).toBe(JSON.stringify(state));
    expect(await store().load(streamId)).toEqual({ streamId, version: 7, schemaVersion: 2, state });
  });

  it('written gzipped before (no encoding attribute) are still read', async () => {
    const streamId = uniqueName('gz');
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { streamId, version: 3, schemaVersion: 2, state: gzipSync(JSON.stringify(state)) },
      }),
    );
    expect(await store().load(streamId)).toEqual({ streamId, version: 3, schemaVersion: 2, state });
  });

  it('with an encoding this store does not know are refused, naming it', async () => {
    const streamId = uniqueName('zstd');
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { streamId, version: 3, schemaVersion: 2, state: gzipSync('{}'), encoding: 'zstd' },
      }),
    );
    await expect(store().load(streamId)).rejects.toThrow(/unknown encoding "zstd"/);
  });
});
