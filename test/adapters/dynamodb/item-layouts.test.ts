import { DescribeTimeToLiveCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbConnectionRegistry } from '../../../src/adapters/dynamodb/connection-registry-adapter-dynamodb.js';
import { DynamoDbCounterStore } from '../../../src/adapters/dynamodb/counter-store-adapter-dynamodb.js';
import { documentClientFor } from '../../../src/adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { DynamoDbPresenceStore } from '../../../src/adapters/dynamodb/presence-store-adapter-dynamodb.js';
import {
  connectionsTable,
  countersTable,
  eventsTable,
  presenceTable,
} from '../../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../../src/adapters/dynamodb/table-provisioning.js';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';

const { dynamodb } = emulatorClients();
// TTL attributes must lie in the future: DynamoDB Local really deletes expired items.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const doc = documentClientFor(dynamodb);
const tables = {
  events: uniqueName('events'),
  presence: uniqueName('presence'),
  connections: uniqueName('connections'),
  counters: uniqueName('counters'),
};
beforeAll(async () => {
  await Promise.all([
    ensureTable(dynamodb, tables.events, eventsTable),
    ensureTable(dynamodb, tables.presence, presenceTable),
    ensureTable(dynamodb, tables.connections, connectionsTable),
    ensureTable(dynamodb, tables.counters, countersTable),
  ]);
});

describe('DynamoDB item layouts', () => {
  it('stores one event per item in the layout the stream-record decoder reads', async () => {
    const store = new DynamoDbEventStore(doc, tables.events);
    await store.append('auction-a1', 0, [
      {
        eventId: 'e1',
        type: 'BidPlaced',
        schemaVersion: 2,
        occurredAt: 1_700_000_000_123,
        data: { amount: 150, bidder: 'u1' },
        correlationId: 'c',
        channelId: 'ch1',
      },
    ]);
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: tables.events, Key: { streamId: { S: 'auction-a1' }, version: { N: '1' } } }),
    );
    expect(Item).toEqual({
      streamId: { S: 'auction-a1' },
      version: { N: '1' },
      eventId: { S: 'e1' },
      type: { S: 'BidPlaced' },
      schemaVersion: { N: '2' },
      occurredAt: { N: '1700000000123' },
      data: { M: { amount: { N: '150' }, bidder: { S: 'u1' } } },
      correlationId: { S: 'c' },
      channelId: { S: 'ch1' },
    });
  });

  it('keeps epoch ms in expiresAt and epoch SECONDS in the presence TTL attribute', async () => {
    const store = new DynamoDbPresenceStore(doc, tables.presence, { clock: new FakeClock(), retentionMs: 3_600_000 });
    await store.record({
      channelId: 'ch',
      sessionId: 's',
      userId: null,
      sequence: 1,
      at: NOW,
      expiresAt: NOW + 15_000,
    });
    const { Item } = await doc.send(
      new GetCommand({ TableName: tables.presence, Key: { channelId: 'ch', sessionId: 's' } }),
    );
    expect(Item).toMatchObject({ expiresAt: NOW + 15_000, ttl: NOW / 1000 + 3_615, sequence: 1, ended: false });
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: tables.presence }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });
  });

  it('ages a connection out by its TTL even before DynamoDB deletes it', async () => {
    const clock = new FakeClock(NOW);
    const registry = new DynamoDbConnectionRegistry(doc, tables.connections, {
      shardSize: 10,
      clock,
      sleeper: clock,
      connectionTtlSeconds: 7_800,
    });
    await registry.join('stale=', 'ch', null, clock.now());
    const { Item } = await doc.send(
      new GetCommand({ TableName: tables.connections, Key: { pk: 'conn#stale=', sk: 'info' } }),
    );
    expect(Item?.['ttl']).toBe(NOW / 1000 + 7_800);
    expect(await registry.connectionsIn('ch', 0)).toEqual(['stale=']);
    clock.advance(7_801_000);
    expect(await registry.connectionsIn('ch', 0)).toEqual([]);
    expect(await registry.get('stale=')).toBeNull();
    // Its $disconnect finally arriving still cleans up.
    await registry.remove('stale=');
    const after = await doc.send(
      new GetCommand({ TableName: tables.connections, Key: { pk: 'conn#stale=', sk: 'info' } }),
    );
    expect(after.Item).toBeUndefined();
  });

  it('keeps idempotency markers beside the counters with a TTL in seconds', async () => {
    const clock = new FakeClock(NOW);
    const store = new DynamoDbCounterStore(doc, tables.counters, {
      clock,
      sleeper: clock,
      idempotencyRetentionSeconds: 86_400,
    });
    await store.add('trip-1', { requests: 1 }, 'req-1');
    const marker = await doc.send(
      new GetCommand({ TableName: tables.counters, Key: { pk: 'trip-1', sk: 'idem#req-1' } }),
    );
    expect(marker.Item?.['ttl']).toBe(NOW / 1000 + 86_400);
    const counter = await doc.send(
      new GetCommand({ TableName: tables.counters, Key: { pk: 'trip-1', sk: 'counter' } }),
    );
    expect(counter.Item).toMatchObject({ c_requests: 1 });
  });
});
