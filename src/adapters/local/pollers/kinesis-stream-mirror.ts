import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../../in-memory/feed-publisher-adapter-in-memory.js';
import { Wakeup } from '../batch-handler.js';
import { InMemoryShardedLog } from '../sharded-log.js';
import { DEFAULT_MAX_AHEAD, readShard, type StreamMirrorOptions } from './shard-reader.js';

/**
 * Copies a real Kinesis stream (kinesalite's) into an in-memory sharded log, one log shard per
 * Kinesis shard, each in order, so the local stream event source feeds the `fanout` handler as
 * Lambda's Kinesis mapping would (records as `kinesisRecordFormat` builds them). Resharding is
 * not followed: local streams keep their shards. With `checkpoints`, each shard is read from
 * just after the last record handled by the previous run (see `handled`).
 */
export class KinesisStreamMirror {
  private logRef: InMemoryShardedLog<StreamRecord> | undefined;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly behind = new Set<string>();
  private readonly wakeup = new Wakeup();
  private shardIds: string[] = [];
  /** Copied, not yet handled, per log shard (counted only with checkpoints). */
  private ahead: number[] = [];

  constructor(
    private readonly client: KinesisClient,
    readonly streamName: string,
    private readonly options: StreamMirrorOptions = {},
  ) {}

  /** The mirror; available once `start` resolved. */
  get log(): InMemoryShardedLog<StreamRecord> {
    if (!this.logRef) throw new Error('KinesisStreamMirror.start() must finish before the log is used');
    return this.logRef;
  }

  /** Lists the shards (fixing the log's shape) and starts copying each from TRIM_HORIZON. */
  async start(): Promise<void> {
    if (this.running) return;
    const { Shards = [] } = await this.client.send(new ListShardsCommand({ StreamName: this.streamName }));
    const ids = Shards.map((s) => s.ShardId).filter((id): id is string => !!id);
    this.logRef = new InMemoryShardedLog<StreamRecord>(ids.length);
    this.shardIds = ids;
    this.ahead = ids.map(() => 0);
    this.running = true;
    this.loops = ids.map((id, index) => this.read(id, index));
  }

  caughtUp(): boolean {
    return this.behind.size === 0;
  }

  /** The handler is done with these records of log shard `index` (in order): that shard resumes after the last. */
  handled(index: number, records: readonly StreamRecord[]): void {
    const max = this.options.maxAhead ?? DEFAULT_MAX_AHEAD;
    const wasPaused = (this.ahead[index] ?? 0) >= max;
    this.ahead[index] = Math.max(0, (this.ahead[index] ?? 0) - records.length);
    if (wasPaused && (this.ahead[index] ?? 0) < max) this.wakeup.wake();
    const shardId = this.shardIds[index];
    const sequenceNumber = records.at(-1)?.sequenceNumber;
    if (shardId && sequenceNumber) this.options.checkpoints?.save(shardId, sequenceNumber);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeup.wake();
    await Promise.all(this.loops);
    await this.options.checkpoints?.flush();
  }

  /** An iterator just after `last`, or at the shard's oldest record. */
  private async iteratorAfter(shardId: string, last: string | undefined): Promise<string | undefined> {
    const { ShardIterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamName: this.streamName,
        ShardId: shardId,
        ...(last
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: last }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  private async read(shardId: string, index: number): Promise<void> {
    this.behind.add(shardId);
    await readShard({
      shardId,
      where: `${this.streamName} shard ${shardId}`,
      options: this.options,
      wakeup: this.wakeup,
      running: () => this.running,
      iteratorAfter: (last) => this.iteratorAfter(shardId, last),
      getRecords: async (iterator) => {
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
        return { records: page.Records ?? [], next: page.NextShardIterator };
      },
      sequenceOf: (record) => record.SequenceNumber,
      copy: (records) => {
        this.log.append(
          index,
          records.map((r) => ({
            sequenceNumber: r.SequenceNumber ?? '',
            partitionKey: r.PartitionKey ?? '',
            data: Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'),
            approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
          })),
        );
        if (this.options.checkpoints) this.ahead[index] = (this.ahead[index] ?? 0) + records.length;
      },
      // Far enough ahead of the handler: wait for it (see StreamMirrorOptions.maxAhead).
      tooFarAhead: () =>
        this.options.checkpoints !== undefined &&
        (this.ahead[index] ?? 0) >= (this.options.maxAhead ?? DEFAULT_MAX_AHEAD),
      setBehind: (behind) => (behind ? this.behind.add(shardId) : this.behind.delete(shardId)),
    });
  }
}
