import { describe, expect, it } from 'vitest';
import type { ConnectionRegistry } from '../../src/application/ports/connection-registry.port.js';

export interface ConnectionRegistryContractOptions {
  /** A registry over fresh storage with shards of at most `shardSize` connections. */
  readonly makeRegistry: (options: { shardSize: number }) => ConnectionRegistry | Promise<ConnectionRegistry>;
}

let n = 0;
const channel = (label: string) => `${label}-${Date.now().toString(36)}-${++n}`;
// Joins are stamped now: a DynamoDB table with TTL enabled really deletes entries whose TTL has passed.
const AT = Date.now();

/** Every connection of a channel, shard by shard. */
const layout = async (registry: ConnectionRegistry, channelId: string): Promise<string[][]> => {
  const shards: string[][] = [];
  const count = await registry.shardCount(channelId);
  for (let s = 0; s < count; s++) shards.push([...(await registry.connectionsIn(channelId, s))].sort());
  return shards;
};

/**
 * What every ConnectionRegistry must do: shards of at most N that fill from the lowest one with
 * room (joins one after another; racing joins may spread); a connection in exactly one shard of one channel; a shard count that covers every
 * non-empty shard; removal and moving between channels.
 */
export const connectionRegistryContract = (label: string, options: ConnectionRegistryContractOptions): void => {
  describe(`ConnectionRegistry contract: ${label}`, () => {
    it('fills shards of at most N in order', async () => {
      const registry = await options.makeRegistry({ shardSize: 3 });
      const ch = channel('fill');
      expect(await registry.shardCount(ch)).toBe(0);
      const joined = [];
      for (let i = 0; i < 7; i++) joined.push(await registry.join(`c${i}`, ch, i % 2 ? `u${i}` : null, AT + i));
      expect(joined.map((j) => j.shardNo)).toEqual([0, 0, 0, 1, 1, 1, 2]);
      expect(joined[1]).toEqual({ connectionId: 'c1', channelId: ch, shardNo: 0, userId: 'u1', joinedAt: AT + 1 });
      expect(await layout(registry, ch)).toEqual([['c0', 'c1', 'c2'], ['c3', 'c4', 'c5'], ['c6']]);
      expect(await registry.get('c0')).toEqual({
        connectionId: 'c0',
        channelId: ch,
        shardNo: 0,
        userId: null,
        joinedAt: AT,
      });
    });

    it('reuses a freed slot in the lowest shard, and drops trailing empty shards from the count', async () => {
      const registry = await options.makeRegistry({ shardSize: 2 });
      const ch = channel('holes');
      for (let i = 0; i < 5; i++) await registry.join(`c${i}`, ch, null, AT);
      await registry.remove('c1');
      expect((await registry.join('new', ch, null, AT)).shardNo).toBe(0);
      await registry.remove('c4');
      expect(await registry.shardCount(ch)).toBe(2);
      // An inner shard that empties still counts while a later one has viewers.
      await registry.remove('c0');
      await registry.remove('new');
      expect(await registry.shardCount(ch)).toBe(2);
      expect(await layout(registry, ch)).toEqual([[], ['c2', 'c3']]);
      await registry.remove('c2');
      await registry.remove('c3');
      expect(await registry.shardCount(ch)).toBe(0);
      expect(await registry.get('c2')).toBeNull();
    });

    it('keeps a repeated join in place and moves a join to another channel', async () => {
      const registry = await options.makeRegistry({ shardSize: 2 });
      const [a, b] = [channel('a'), channel('b')];
      const first = await registry.join('c1', a, 'u1', AT);
      expect(await registry.join('c1', a, 'u1', AT + 5)).toEqual(first);
      expect(await layout(registry, a)).toEqual([['c1']]);
      await registry.join('x', b, null, AT);
      await registry.join('y', b, null, AT);
      const moved = await registry.join('c1', b, 'u1', AT + 10);
      expect(moved).toEqual({ connectionId: 'c1', channelId: b, shardNo: 1, userId: 'u1', joinedAt: AT + 10 });
      expect(await registry.shardCount(a)).toBe(0);
      expect(await layout(registry, b)).toEqual([['x', 'y'], ['c1']]);
      expect(await registry.get('c1')).toEqual(moved);
    });

    it('ignores removing or reading an unknown connection', async () => {
      const registry = await options.makeRegistry({ shardSize: 2 });
      await registry.remove('never-joined');
      expect(await registry.get('never-joined')).toBeNull();
      expect(await registry.connectionsIn(channel('empty'), 0)).toEqual([]);
    });

    it('never overfills a shard when viewers join at once', async () => {
      const registry = await options.makeRegistry({ shardSize: 5 });
      const ch = channel('rush');
      const ids = Array.from({ length: 23 }, (_, i) => `r${i}`);
      const joined = await Promise.all(ids.map((id) => registry.join(id, ch, null, AT)));
      const shards = await layout(registry, ch);
      // Racing joins may spread over more shards than the minimum (rather than all queue on one), never overfill one.
      expect(shards.length).toBeGreaterThanOrEqual(5);
      for (const shard of shards) expect(shard.length).toBeLessThanOrEqual(5);
      expect(shards.flat().sort()).toEqual([...ids].sort());
      for (const info of joined) expect(shards[info.shardNo]).toContain(info.connectionId);
    });

    it('places viewers joining at once in shards of one, one per shard', async () => {
      const registry = await options.makeRegistry({ shardSize: 1 });
      const ch = channel('ones');
      const ids = Array.from({ length: 20 }, (_, i) => `o${i}`);
      const joined = await Promise.all(ids.map((id) => registry.join(id, ch, null, AT)));
      const shards = (await layout(registry, ch)).filter((shard) => shard.length > 0);
      expect(shards).toHaveLength(20);
      for (const info of joined) expect(await registry.connectionsIn(ch, info.shardNo)).toEqual([info.connectionId]);
    });
  });
};
