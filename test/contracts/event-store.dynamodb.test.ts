import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { meterCapacity } from '../../src/adapters/dynamodb/capacity-meter.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { eventsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import type { NewEvent } from '../../src/domain/shared/envelope.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { eventStoreConcurrencyContract, eventStoreContract } from './event-store.contract.js';

const { dynamodb, endpoints } = emulatorClients();
const tableName = uniqueName('events');
beforeAll(() => ensureTable(dynamodb, tableName, eventsTable));

// One table for the file; every test writes its own streams.
eventStoreContract('DynamoDB (DynamoDB Local)', {
  makeStore: (options) => new DynamoDbEventStore(documentClientFor(dynamodb), tableName, options),
  // Each run is a handful of round trips to DynamoDB Local; 50 keep the file quick.
  propertyRuns: 50,
  refusesSingleAppendBeyondHead: false,
});
eventStoreContract('DynamoDB (DynamoDB Local), strictHead', {
  makeStore: (options) =>
    new DynamoDbEventStore(documentClientFor(dynamodb), tableName, { ...options, strictHead: true }),
  propertyRuns: 20,
});
eventStoreConcurrencyContract('DynamoDB (DynamoDB Local)', {
  makeStore: () => new DynamoDbEventStore(documentClientFor(dynamodb), tableName),
  propertyRuns: 50,
});

describe('DynamoDB event store: what an append costs', () => {
  const bid = (i: number): NewEvent => ({
    eventId: randomUUID(),
    type: 'BidPlaced',
    schemaVersion: 1,
    occurredAt: 1_770_000_000_000 + i,
    data: { bidId: `b-${i}`, bidderId: `user-${i}`, amount: 1_000 + i, placedAt: 1_770_000_000_000 + i },
  });
  // A client of its own, so the meter sees only this test's requests.
  const metered = () => {
    const client = new DynamoDBClient({
      endpoint: endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    return { client, meter: meterCapacity(client) };
  };

  it('appends one small event to an existing stream with one conditional put: 1 write unit, 1 round trip', async () => {
    const { client, meter } = metered();
    const store = new DynamoDbEventStore(documentClientFor(client), tableName);
    const id = `cost-${randomUUID()}`;
    await store.append(id, 0, [bid(1)]);
    await store.append(id, 1, [bid(2)]);
    meter.reset();
    await store.append(id, 2, [bid(3)]);
    expect(meter.figures()).toMatchObject({ writeUnits: 1, roundTrips: 1 });
    client.destroy();
  });

  it('with strictHead, the same append is a two-item transaction: 4 write units', async () => {
    const { client, meter } = metered();
    const store = new DynamoDbEventStore(documentClientFor(client), tableName, { strictHead: true });
    const id = `cost-strict-${randomUUID()}`;
    await store.append(id, 0, [bid(1)]);
    meter.reset();
    await store.append(id, 1, [bid(2)]);
    expect(meter.figures().writeUnits).toBe(4);
    client.destroy();
  });

  it('leaves the gap of an append beyond the head for read to report, naming the stream', async () => {
    const store = new DynamoDbEventStore(documentClientFor(dynamodb), tableName);
    const id = `misuse-${randomUUID()}`;
    await store.append(id, 0, [bid(1)]);
    await store.append(id, 5, [bid(7)]);
    await expect(store.read(id)).rejects.toThrow(new RegExp(`stream ${id} has a gap`));
  });
});
