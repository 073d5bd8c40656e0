import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryConnectionRegistry } from '../../../src/adapters/in-memory/connection-registry-adapter-in-memory.js';
import { makeChannelConnections } from '../../../src/application/live/channel-connections.js';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';

const CHANNELS = ['c1', 'c2', 'c3'];
const opArb = fc.oneof(
  fc.record({
    kind: fc.constant('join' as const),
    connection: fc.nat({ max: 40 }),
    channel: fc.constantFrom(...CHANNELS),
  }),
  fc.record({ kind: fc.constant('leave' as const), connection: fc.nat({ max: 40 }) }),
);

describe('shard assignment of viewer connections', () => {
  it('never puts more than N connections in a shard and never loses or duplicates one, whatever the joins and leaves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(opArb, { maxLength: 150 }), async (shardSize, ops) => {
        const registry = new InMemoryConnectionRegistry({ shardSize });
        const connections = makeChannelConnections({ registry, clock: new FakeClock() });
        const model = new Map<string, string>(); // connection → channel
        for (const op of ops) {
          const id = `conn-${op.connection}`;
          if (op.kind === 'join') {
            const before = await registry.shardCount(op.channel);
            const sizes = await Promise.all(
              Array.from({ length: before }, (_, n) => registry.connectionsIn(op.channel, n).then((m) => m.length)),
            );
            const info = await connections.join(id, op.channel, null);
            // A new shard opens only when every existing one is full (or the viewer was already there).
            if (info.shardNo >= before) expect(sizes.every((n) => n === shardSize)).toBe(true);
            model.set(id, op.channel);
          } else {
            await connections.leave(id);
            model.delete(id);
          }
          for (const channel of CHANNELS) {
            const shards = await registry.shardCount(channel);
            const seen: string[] = [];
            for (let shard = 0; shard < shards; shard++) {
              const members = await registry.connectionsIn(channel, shard);
              expect(members.length).toBeLessThanOrEqual(shardSize);
              for (const member of members) expect((await registry.get(member))?.shardNo).toBe(shard);
              seen.push(...members);
            }
            expect(await registry.connectionsIn(channel, shards)).toEqual([]);
            const expected = [...model].filter(([, c]) => c === channel).map(([id]) => id);
            expect([...seen].sort()).toEqual([...expected].sort());
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fills holes first, so the shard count follows the audience', async () => {
    const registry = new InMemoryConnectionRegistry({ shardSize: 2 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await registry.join(id, 'c1', null, 0);
    expect(await registry.shardCount('c1')).toBe(3);
    await registry.remove('b');
    expect((await registry.join('f', 'c1', null, 0)).shardNo).toBe(0);
    await registry.remove('e');
    expect(await registry.shardCount('c1')).toBe(2);
    expect((await registry.join('a', 'c1', null, 0)).shardNo).toBe(0); // a repeated join keeps its place
    expect((await registry.join('a', 'c2', null, 0)).shardNo).toBe(0); // joining elsewhere moves it
    expect(await registry.connectionsIn('c1', 0)).toEqual(['f']);
  });
});
