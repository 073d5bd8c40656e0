import type {
  BucketWrite,
  PresenceBucketStore,
  StoredBucket,
  StoredSubPartition,
  SubPartitionCount,
} from '../../application/ports/presence-bucket-store.port.js';

interface Partition {
  readonly buckets: Map<number, StoredBucket>;
  count: (SubPartitionCount & { readonly revision: number }) | undefined;
}

/**
 * The in-memory twin of the packed presence items: per sub-partition, revisioned buckets and a
 * count item. Writes are conditional per item like the DynamoDB adapter's Puts (a refused save
 * may have written the buckets before the refused one), and stored data is copied both ways.
 */
export class InMemoryPresenceBucketStore implements PresenceBucketStore {
  private readonly partitions = new Map<string, Partition>();
  /** Item writes and reads so far (the bench compares them; DynamoDB reports its own units). */
  readonly operations = { bucketWrites: 0, countWrites: 0, countReads: 0, loads: 0 };

  async load(partition: string): Promise<StoredSubPartition> {
    this.operations.loads++;
    const p = this.partitions.get(partition);
    if (!p) return { buckets: [], countRevision: 0 };
    return {
      buckets: [...p.buckets.values()].map((b) => ({ ...b, sessions: b.sessions.map((s) => ({ ...s })) })),
      countRevision: p.count?.revision ?? 0,
    };
  }

  async save(
    partition: string,
    writes: readonly BucketWrite[],
    count: SubPartitionCount,
    expectedCountRevision: number,
  ): Promise<'SAVED' | 'CONFLICT'> {
    const p = this.partitions.get(partition) ?? { buckets: new Map<number, StoredBucket>(), count: undefined };
    this.partitions.set(partition, p);
    for (const w of writes) {
      if ((p.buckets.get(w.bucket)?.revision ?? 0) !== w.expectedRevision) return 'CONFLICT';
      p.buckets.set(w.bucket, {
        bucket: w.bucket,
        revision: w.expectedRevision + 1,
        sessions: w.sessions.map((s) => ({ ...s })),
      });
      this.operations.bucketWrites++;
    }
    if ((p.count?.revision ?? 0) !== expectedCountRevision) return 'CONFLICT';
    p.count = {
      ...count,
      expiring: count.expiring.map(([at, n]) => [at, n] as const),
      revision: expectedCountRevision + 1,
    };
    this.operations.countWrites++;
    return 'SAVED';
  }

  async counts(partitions: readonly string[]): Promise<ReadonlyMap<string, SubPartitionCount>> {
    const result = new Map<string, SubPartitionCount>();
    for (const partition of partitions) {
      const c = this.partitions.get(partition)?.count;
      this.operations.countReads++;
      if (c) result.set(partition, { count: c.count, asOf: c.asOf, exactUntil: c.exactUntil, expiring: c.expiring });
    }
    return result;
  }
}
