import type { ConnectionInfo, ConnectionRegistry } from '../../application/ports/connection-registry.port.js';

/** Default connections per shard: one broadcast message (one Lambda invocation) posts to at most this many. */
export const DEFAULT_SHARD_SIZE = 500;

export interface InMemoryConnectionRegistryOptions {
  /** The most connections one shard of a channel holds (N). */
  readonly shardSize?: number;
}

/**
 * Connections per channel in shards of at most N. A join fills the lowest shard with room, so
 * the shards stay dense as viewers come and go and the shard count (the fan-out factor) stays
 * close to viewers / N. One DynamoDB registry instance places joins the same way (it knows the
 * slots it freed at once); several instances racing may spread a storm over a few more shards
 * and see another instance's freed slot only when its shard's `full` hint runs out — both allowed
 * by the contract (test/contracts/connection-registry.contract.ts).
 */
export class InMemoryConnectionRegistry implements ConnectionRegistry {
  readonly shardSize: number;
  private readonly byConnection = new Map<string, ConnectionInfo>();
  private readonly channels = new Map<string, Set<string>[]>();

  constructor(options: InMemoryConnectionRegistryOptions = {}) {
    this.shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
    if (!Number.isInteger(this.shardSize) || this.shardSize < 1)
      throw new RangeError(`shardSize must be a positive integer, got ${this.shardSize}`);
  }

  async join(connectionId: string, channelId: string, userId: string | null, at: number): Promise<ConnectionInfo> {
    const existing = this.byConnection.get(connectionId);
    // A repeated join (a retried frame) keeps its place: reshuffling would only cost a shard move.
    if (existing && existing.channelId === channelId) return existing;
    if (existing) this.detach(existing);
    const shards = this.channels.get(channelId) ?? [];
    this.channels.set(channelId, shards);
    let shardNo = shards.findIndex((s) => s.size < this.shardSize);
    if (shardNo === -1) {
      shardNo = shards.length;
      shards.push(new Set());
    }
    shards[shardNo]?.add(connectionId);
    const info: ConnectionInfo = { connectionId, channelId, shardNo, userId, joinedAt: at };
    this.byConnection.set(connectionId, info);
    return info;
  }

  async remove(connectionId: string): Promise<void> {
    const info = this.byConnection.get(connectionId);
    if (info) this.detach(info);
  }

  async get(connectionId: string): Promise<ConnectionInfo | null> {
    return this.byConnection.get(connectionId) ?? null;
  }

  async connectionsIn(channelId: string, shardNo: number): Promise<readonly string[]> {
    return [...(this.channels.get(channelId)?.[shardNo] ?? [])];
  }

  async shardCount(channelId: string): Promise<number> {
    return this.channels.get(channelId)?.length ?? 0;
  }

  /** Totals for the local runtime's progress line. */
  stats(): { connections: number; channels: number } {
    return { connections: this.byConnection.size, channels: this.channels.size };
  }

  private detach(info: ConnectionInfo): void {
    this.byConnection.delete(info.connectionId);
    const shards = this.channels.get(info.channelId);
    if (!shards) return;
    shards[info.shardNo]?.delete(info.connectionId);
    // Trailing empty shards are dropped so the fan-out stops addressing them; inner ones stay to keep shard numbers stable.
    while (shards.length > 0 && shards[shards.length - 1]?.size === 0) shards.pop();
    if (shards.length === 0) this.channels.delete(info.channelId);
  }
}
