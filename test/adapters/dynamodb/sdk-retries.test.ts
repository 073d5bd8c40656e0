import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbCounterStore } from '../../../src/adapters/dynamodb/counter-store-adapter-dynamodb.js';
import { DynamoDbEventStore } from '../../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { isThrottledCancellation } from '../../../src/adapters/dynamodb/transactions.js';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { ConcurrencyError } from '../../../src/application/ports/event-store.port.js';

// DynamoDB Local never throttles, so a stub client stands in for a hot item under load: the
// one case in these tests where the SDK is replaced, to inject an error an emulator cannot produce.
const cancelled = (...codes: string[]) =>
  Object.assign(
    new Error(`Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`),
    {
      name: 'TransactionCanceledException',
      CancellationReasons: codes.map((Code) => ({ Code })),
    },
  );

/** A client whose TransactWriteItems fails with `failures` (in order), then succeeds; other commands answer `{}`. */
const stubClient = (failures: Error[]) => {
  const calls: string[] = [];
  const client = {
    send: async (command: object) => {
      const name = command.constructor.name;
      calls.push(name);
      if (command instanceof TransactWriteCommand) {
        const failure = failures.shift();
        if (failure) throw failure;
      }
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, calls };
};

const event = (n: number) => ({
  eventId: `e-${n}`,
  type: 'ThingHappened',
  schemaVersion: 1,
  occurredAt: 1_700_000_000_000 + n,
  data: { n },
});

describe('transactions DynamoDB cancels for capacity (a throttled hot item)', () => {
  it('tells a throttled cancellation from a failed condition or a conflict', () => {
    expect(isThrottledCancellation(cancelled('None', 'ThrottlingError'))).toBe(true);
    expect(isThrottledCancellation(cancelled('ProvisionedThroughputExceeded'))).toBe(true);
    expect(isThrottledCancellation(cancelled('ConditionalCheckFailed', 'ThrottlingError'))).toBe(false);
    expect(isThrottledCancellation(cancelled('TransactionConflict'))).toBe(false);
    expect(isThrottledCancellation(Object.assign(new Error('x'), { name: 'ValidationException' }))).toBe(false);
  });

  // strictHead: the transactional append (a single-event append is one put otherwise, retried by the SDK itself).
  it('the event store retries an append DynamoDB throttled, with back-off, and appends once', async () => {
    const clock = new FakeClock();
    const { client, calls } = stubClient([cancelled('None', 'ThrottlingError'), cancelled('None', 'ThrottlingError')]);
    const store = new DynamoDbEventStore(client, 'events', { sleeper: clock, strictHead: true });
    const stored = await store.append('s-1', 1, [event(2)]);
    expect(stored.map((e) => e.version)).toEqual([2]);
    expect(calls.filter((c) => c === 'TransactWriteCommand')).toHaveLength(3);
  });

  it('the event store still reports a failed condition at once, as a concurrency conflict', async () => {
    const { client, calls } = stubClient([cancelled('ConditionalCheckFailed', 'None')]);
    await expect(
      new DynamoDbEventStore(client, 'events', { sleeper: new FakeClock(), strictHead: true }).append('s-1', 1, [
        event(2),
      ]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(calls.filter((c) => c === 'TransactWriteCommand')).toHaveLength(1);
  });

  it('gives up after its attempts with the throttling error, not a concurrency conflict', async () => {
    const { client } = stubClient(Array.from({ length: 10 }, () => cancelled('None', 'ThrottlingError')));
    const failure = await new DynamoDbEventStore(client, 'events', { sleeper: new FakeClock(), strictHead: true })
      .append('s-1', 1, [event(2)])
      .catch((e: unknown) => e);
    expect(failure).not.toBeInstanceOf(ConcurrencyError);
    expect((failure as Error).name).toBe('TransactionCanceledException');
  });

  it('the counter store retries an idempotent increment DynamoDB throttled', async () => {
    const clock = new FakeClock();
    const { client, calls } = stubClient([cancelled('None', 'ThrottlingError')]);
    const counters = new DynamoDbCounterStore(client, 'stats', { clock, sleeper: clock });
    await counters.add('booking-stats', { requests: 1 }, 'req-1');
    expect(calls.filter((c) => c === 'TransactWriteCommand')).toHaveLength(2);
  });
});

describe('a first append whose put the SDK retried', () => {
  const conditionFailed = (attempts: number) =>
    Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
      $metadata: { attempts },
    });
  /** PutItem fails with `failure`; GetItem finds `storedEventId` at version 1. */
  const client = (failure: Error, storedEventId: string) =>
    ({
      send: async (command: object) => {
        if (command.constructor.name === 'PutCommand') throw failure;
        if (command.constructor.name === 'GetCommand') return { Item: { eventId: storedEventId } };
        return {};
      },
    }) as unknown as DynamoDBDocumentClient;

  it('is a success when the item that failed the condition is our own event (the first attempt landed, its response was lost)', async () => {
    const store = new DynamoDbEventStore(client(conditionFailed(2), 'e-1'), 'events', { sleeper: new FakeClock() });
    expect((await store.append('s-new', 0, [event(1)])).map((e) => e.version)).toEqual([1]);
  });

  it("is a conflict when the item is someone else's event, or when the condition failed on the first attempt", async () => {
    await expect(
      new DynamoDbEventStore(client(conditionFailed(2), 'other'), 'events').append('s-new', 0, [event(1)]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(
      new DynamoDbEventStore(client(conditionFailed(1), 'e-1'), 'events').append('s-new', 0, [event(1)]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
  });
});
