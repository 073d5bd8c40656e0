import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastMessage } from '../../../src/domain/live-feed/feed-item.js';
import { DynamoDbConnectionRegistry } from '../../../src/adapters/dynamodb/connection-registry-adapter-dynamodb.js';
import { documentClientFor } from '../../../src/adapters/dynamodb/document-client.js';
import { connectionsTable } from '../../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../../src/adapters/dynamodb/table-provisioning.js';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryConnectionGateway } from '../../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { realSleeper, systemClock } from '../../../src/adapters/system/system-clock.js';
import type { ConnectionRegistry } from '../../../src/application/ports/connection-registry.port.js';
import { makeBroadcast } from '../../../src/application/live/broadcast-feed.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';

const { dynamodb } = emulatorClients();
const doc = documentClientFor(dynamodb);
const tableName = uniqueName('connections');
beforeAll(() => ensureTable(dynamodb, tableName, connectionsTable));

/**
 * 1,000 joins sent within 5 s (waves of 10 every 50 ms), shards of 100: the issue asks for 5,000,
 * which DynamoDB Local on this 2-core machine cannot carry in 5 s whatever the join does. Measured
 * (2026-12-02, the emulators shared with other runs): a plain conditional PutItem on one partition
 * commits 240–280/s at 32–64 in flight, a 2-item transaction 174/s — so 5,000 joins need ≥ 18 s
 * even at one write each. A first join is one conditional Put of its slot and one Put of its
 * entry (no transaction); in this storm the collisions of joins racing for the same shard's last
 * slots still cost about 9 refused Puts, 9 Queries and 5 marker updates per join, and 1,000 joins
 * complete in about 60–140 s depending on the machine's load (108 s with the transactional join
 * in the same probe). The shape of the storm (every join racing for the same channel's first
 * shards) is the same; the scale is what the emulator can carry inside CI.
 */
const JOINS = 1_000;
const SHARD_SIZE = 100;
const WAVE = 10;
const WAVE_MS = 50;

/** What the broadcaster would address: every connection of every shard the fan-out counts. */
const addressed = async (registry: ConnectionRegistry, channelId: string): Promise<string[][]> => {
  const shards: string[][] = [];
  const count = await registry.shardCount(channelId);
  for (let s = 0; s < count; s++) shards.push([...(await registry.connectionsIn(channelId, s))]);
  return shards;
};

/** Every item stored under the channel's shard partitions, TTL-expired or not (what a recount would see). */
const storedMembers = async (channelId: string, shards: number): Promise<number> => {
  let total = 0;
  for (let s = 0; s < shards; s++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `ch#${channelId}#${s}` },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return total;
};

/** Starts `task` for every id in waves over time and settles them all; returns the rejections. */
const storm = async (ids: readonly string[], task: (id: string) => Promise<unknown>): Promise<unknown[]> => {
  const running: Promise<unknown>[] = [];
  for (let i = 0; i < ids.length; i += WAVE) {
    for (const id of ids.slice(i, i + WAVE)) running.push(task(id));
    await new Promise((resolve) => setTimeout(resolve, WAVE_MS));
  }
  const settled = await Promise.allSettled(running);
  return settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
};

describe('DynamoDB connection registry under a join storm (DynamoDB Local)', () => {
  it('admits 1,000 joins on one channel sent within 5 s without a failure, and counts exactly after everyone leaves, a lost $disconnect included', async () => {
    const registry = new DynamoDbConnectionRegistry(doc, tableName, {
      shardSize: SHARD_SIZE,
      clock: systemClock,
      sleeper: realSleeper,
    });
    const channelId = uniqueName('storm');
    const ids = Array.from({ length: JOINS }, (_, i) => `conn-${i}=`);
    const placed = new Map<string, number>();

    const joinFailures = await storm(ids, async (id) =>
      placed.set(id, (await registry.join(id, channelId, null, Date.now())).shardNo),
    );
    expect(joinFailures).toEqual([]);

    const shards = await addressed(registry, channelId);
    // At least the minimum; a storm may spread over a few more (each still at most N).
    expect(shards.length).toBeGreaterThanOrEqual(JOINS / SHARD_SIZE);
    const used = shards.length;
    for (const shard of shards) expect(shard.length).toBeLessThanOrEqual(SHARD_SIZE);
    expect(shards.flat().sort()).toEqual([...ids].sort());
    for (const [id, shardNo] of placed) expect(shards[shardNo]).toContain(id);

    // Everyone leaves at once, except one viewer whose $disconnect API Gateway never delivers.
    const ghost = ids[123] as string;
    const leaveFailures = await storm(
      ids.filter((id) => id !== ghost),
      (id) => registry.remove(id),
    );
    expect(leaveFailures).toEqual([]);
    expect((await addressed(registry, channelId)).flat()).toEqual([ghost]);
    expect(await storedMembers(channelId, used)).toBe(1);

    // The next frame to the ghost's shard answers 410 Gone: the broadcaster removes it.
    const gateway = new InMemoryConnectionGateway();
    const broadcast = makeBroadcast({ registry, gateway, retryQueue: new InMemoryQueue<BroadcastMessage>() });
    const shardCount = await registry.shardCount(channelId);
    for (let shardNo = 0; shardNo < shardCount; shardNo++) {
      await broadcast({
        channelId,
        shardNo,
        payload: { channelId, items: [{ kind: 'signal', signal: 'LIKES', channelId, count: 1, at: Date.now() }] },
      });
    }
    expect(await registry.shardCount(channelId)).toBe(0);
    expect(await storedMembers(channelId, used)).toBe(0);
    expect(await registry.get(ghost)).toBeNull();
    // A deadline, not a speed check: 5,000 joins and leaves through a shared DynamoDB Local on a busy machine take minutes.
  }, 300_000);

  it('a join retried many times at once (no transaction between slot and entry) keeps one place and leaves no extra member', async () => {
    const registry = new DynamoDbConnectionRegistry(doc, tableName, {
      shardSize: 4,
      clock: systemClock,
      sleeper: realSleeper,
    });
    const channelId = uniqueName('retried');
    const results = await Promise.all(
      Array.from({ length: 12 }, () => registry.join('twin=', channelId, 'u1', Date.now())),
    );
    // Every copy answers with the one place the first writer got; the losers gave their slots back.
    expect(new Set(results.map((r) => r.shardNo)).size).toBe(1);
    expect(await addressed(registry, channelId)).toEqual([['twin=']]);
    expect(await storedMembers(channelId, 1)).toBe(1);
    await registry.remove('twin=');
    expect(await storedMembers(channelId, 1)).toBe(0);
  });

  it('stops counting a lost $disconnect once its TTL passes, and hands its slot to a new viewer', async () => {
    const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);
    const registry = new DynamoDbConnectionRegistry(doc, tableName, {
      shardSize: 1,
      clock,
      sleeper: clock,
      connectionTtlSeconds: 600,
    });
    const channelId = uniqueName('ttl');
    await registry.join('ghost=', channelId, null, clock.now());
    // No frame reaches the ghost's shard, so no 410 removes it; its entry outlives API Gateway's 2 h limit only by the TTL margin.
    clock.advance(601_000);
    expect(await addressed(registry, channelId)).toEqual([]);
    // With shards of one, the newcomer lands in shard 0 only if the ghost's place was given back.
    const late = await registry.join('late=', channelId, null, clock.now());
    expect(late.shardNo).toBe(0);
    expect(await addressed(registry, channelId)).toEqual([['late=']]);
    // The ghost's $disconnect arriving after all must not take the newcomer with it.
    await registry.remove('ghost=');
    expect(await addressed(registry, channelId)).toEqual([['late=']]);
    await registry.remove('late=');
    expect(await registry.shardCount(channelId)).toBe(0);
    expect(await storedMembers(channelId, 1)).toBe(0);
  });
});
