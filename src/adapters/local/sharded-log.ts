import { createHash } from 'node:crypto';

/**
 * What a stream event source reads: an append-only log split into shards, each in order, with
 * absolute positions. `InMemoryFeedStream` (Kinesis) is one; `InMemoryShardedLog` backs the
 * DynamoDB Streams emulation.
 */
export interface ShardedLog<R> {
  readonly shardCount: number;
  /** Up to `max` records of `shard` from absolute position `from` (trimmed ones skipped). */
  read(shard: number, from: number, max: number): readonly R[];
  /** The absolute position of `read(shard, from, …)[0]`. */
  firstPosition(shard: number, from: number): number;
  /** The absolute position after the shard's last record. */
  length(shard: number): number;
  /** Called after records are appended; returns an unsubscribe. */
  onAppend(listener: () => void): () => void;
}

/** A plain sharded log with bounded retention, for emulated change streams. */
export class InMemoryShardedLog<R> implements ShardedLog<R> {
  private readonly shards: R[][];
  private readonly trimmed: number[];
  private readonly listeners = new Set<() => void>();

  constructor(
    shardCount: number,
    private readonly retainPerShard = 200_000,
  ) {
    this.shards = Array.from({ length: Math.max(1, shardCount) }, () => []);
    this.trimmed = this.shards.map(() => 0);
  }

  get shardCount(): number {
    return this.shards.length;
  }

  append(shard: number, records: readonly R[]): void {
    if (this.write(shard, records)) this.notifyAppend();
  }

  /**
   * Appends without telling the listeners, for a producer that makes several appends and then
   * calls `notifyAppend` once (as one Kinesis put does). Returns whether anything was appended.
   */
  write(shard: number, records: readonly R[]): boolean {
    const log = this.shards[shard];
    if (!log || records.length === 0) return false;
    log.push(...records);
    // Trimmed in halves so appends stay amortised O(1).
    if (log.length > this.retainPerShard * 2) {
      const drop = log.length - this.retainPerShard;
      log.splice(0, drop);
      this.trimmed[shard] = (this.trimmed[shard] ?? 0) + drop;
    }
    return true;
  }

  /** Tells the `onAppend` listeners that records were appended. */
  notifyAppend(): void {
    for (const listener of this.listeners) listener();
  }

  read(shard: number, from: number, max: number): readonly R[] {
    const start = Math.max(0, from - (this.trimmed[shard] ?? 0));
    return (this.shards[shard] ?? []).slice(start, start + max);
  }

  firstPosition(shard: number, from: number): number {
    return Math.max(from, this.trimmed[shard] ?? 0);
  }

  length(shard: number): number {
    return (this.trimmed[shard] ?? 0) + (this.shards[shard]?.length ?? 0);
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * A stream twin that keeps its shards in an `InMemoryShardedLog` of entries `S` and is read as
 * records `R` (the same type, or records built from the entries when read): positions, retention
 * and append notifications are the inner log's.
 */
export abstract class ShardedLogView<R, S = R> implements ShardedLog<R> {
  protected constructor(
    /** The shards' entries, with retention trimming and absolute positions. */
    protected readonly log: InMemoryShardedLog<S>,
  ) {}

  get shardCount(): number {
    return this.log.shardCount;
  }

  /** Up to `max` records of a shard from absolute position `from` (trimmed ones are skipped, as an expired iterator would). */
  abstract read(shard: number, from: number, max: number): readonly R[];

  /** The absolute position of the record at `read(shard, from, …)[0]` (later than `from` after trimming). */
  firstPosition(shard: number, from: number): number {
    return this.log.firstPosition(shard, from);
  }

  /** The absolute position after a shard's last record. */
  length(shard: number): number {
    return this.log.length(shard);
  }

  /** Called after records are appended; returns an unsubscribe. */
  onAppend(listener: () => void): () => void {
    return this.log.onAppend(listener);
  }
}

/** The shard a Kinesis partition key maps to: MD5 → 128-bit hash key, shards own equal ranges. */
export function kinesisShardOf(partitionKey: string, shardCount: number): number {
  const top64 = createHash('md5').update(partitionKey).digest().readBigUInt64BE(0);
  return Number((top64 * BigInt(shardCount)) >> 64n);
}
