import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { DynamoDbRateLimiter } from '../../src/adapters/dynamodb/rate-limiter-adapter-dynamodb.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { connectionsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { realSleeper } from '../../src/adapters/system/system-clock.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { rateLimiterContract } from './rate-limiter.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('connections');
beforeAll(() => ensureTable(dynamodb, tableName, connectionsTable));

// On the connections table, as in the stack (ws-message already reads and writes it). The
// clock is the contract's fake one; the race backoff really sleeps, so the concurrent callers interleave.
rateLimiterContract(
  'DynamoDB (DynamoDB Local)',
  (policy, clock) =>
    new DynamoDbRateLimiter(documentClientFor(dynamodb), tableName, {
      ...policy,
      name: uniqueName('chat-user'),
      clock,
      sleeper: realSleeper,
      raceBackoff: { maxAttempts: 50, baseDelayMs: 5, maxDelayMs: 50 },
    }),
);

describe('DynamoDbRateLimiter on DynamoDB Local', () => {
  it('treats an item past its TTL as a full bucket (DynamoDB deletes expired items only eventually)', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 22, 12));
    const name = uniqueName('ttl');
    const limiter = new DynamoDbRateLimiter(documentClientFor(dynamodb), tableName, {
      capacity: 2,
      refillPerSecond: 0,
      name,
      clock,
      sleeper: realSleeper,
    });
    const doc = documentClientFor(dynamodb);
    const stale = {
      pk: `rate#${name}#u1`,
      sk: 'rate',
      tokens: 0,
      at: clock.now() - 2 * 86_400_000,
      rev: 'old',
      version: 7,
      ttl: Math.floor(clock.now() / 1000) - 60,
    };
    await doc.send(new PutCommand({ TableName: tableName, Item: stale }));
    expect(await limiter.tryAcquire('u1')).toBe(true);
    expect(await limiter.tryAcquire('u1')).toBe(true);
    expect(await limiter.tryAcquire('u1')).toBe(false);
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: `rate#${name}#u1`, sk: 'rate' }, ConsistentRead: true }),
    );
    expect(Item).toMatchObject({ tokens: 0, version: 9 });
    expect(Item?.['ttl']).toBeGreaterThan(clock.now() / 1000);
  });
});
