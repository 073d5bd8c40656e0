import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamsRecord,
  type AttributeValue as StreamsAttributeValue,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from 'aws-lambda';
import { Wakeup } from '../batch-handler.js';
import { InMemoryShardedLog } from '../sharded-log.js';
import { DEFAULT_MAX_AHEAD, readShard, type StreamMirrorOptions } from './shard-reader.js';

/** Lambda delivers binary attributes base64-encoded; the SDK hands out bytes. */
const toLambdaValue = (value: StreamsAttributeValue): LambdaAttributeValue => {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  return value as LambdaAttributeValue;
};
const toLambdaImage = (image: Record<string, StreamsAttributeValue>): Record<string, LambdaAttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaValue(v)]));

/** A DynamoDB Streams record as the SDK returns it → as the Lambda event source mapping delivers it. */
export const toLambdaStreamRecord = (record: StreamsRecord, eventSourceARN: string): DynamoDBRecord => {
  const d = record.dynamodb ?? {};
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'local',
    eventSourceARN,
    dynamodb: {
      ...(d.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      ...(d.Keys ? { Keys: toLambdaImage(d.Keys) } : {}),
      ...(d.NewImage ? { NewImage: toLambdaImage(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: toLambdaImage(d.OldImage) } : {}),
      ...(d.SequenceNumber ? { SequenceNumber: d.SequenceNumber } : {}),
      ...(d.SizeBytes !== undefined ? { SizeBytes: d.SizeBytes } : {}),
      ...(d.StreamViewType ? { StreamViewType: d.StreamViewType } : {}),
    },
  };
};

/**
 * Copies a real DynamoDB stream (DynamoDB Local's, or AWS's) into an in-memory sharded log, in
 * order, so the local stream event source (batches, partial responses, retries, bisection) can
 * feed the relay exactly as with the in-memory backend. Every DynamoDB shard is read from
 * TRIM_HORIZON; a child shard only once its parent is exhausted, which keeps each item's records
 * in order (Streams order records per item, and an item's next records move to the child).
 * All shards pour into one log shard: per-item order is all Streams promises. With
 * `checkpoints`, a shard is read from just after the last record handled (see `handled`).
 */
export class DynamoDbStreamMirror {
  readonly log = new InMemoryShardedLog<DynamoDBRecord>(1);
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly started = new Set<string>();
  private readonly finished = new Set<string>();
  private readonly behind = new Set<string>();
  private discovery: Promise<void> = Promise.resolve();
  private readonly wakeup = new Wakeup();
  /** The source shard of each record in the log, for checkpoints (gone with the record). */
  private readonly shardOf = new WeakMap<DynamoDBRecord, string>();
  /** Copied, not yet handled (counted only with checkpoints). */
  private ahead = 0;

  constructor(
    private readonly client: DynamoDBStreamsClient,
    readonly streamArn: string,
    private readonly options: StreamMirrorOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.discovery = this.discover();
  }

  /** True when every shard was read to its end at the last poll. */
  caughtUp(): boolean {
    return this.behind.size === 0;
  }

  /** The handler is done with these records (in log order): each one's shard resumes after it next time. */
  handled(_shard: number, records: readonly DynamoDBRecord[]): void {
    const checkpoints = this.options.checkpoints;
    if (!checkpoints) return;
    const max = this.options.maxAhead ?? DEFAULT_MAX_AHEAD;
    const wasPaused = this.ahead >= max;
    this.ahead = Math.max(0, this.ahead - records.length);
    if (wasPaused && this.ahead < max) this.wakeup.wake();
    const last = new Map<string, string>();
    for (const record of records) {
      const shardId = this.shardOf.get(record);
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (shardId && sequenceNumber) last.set(shardId, sequenceNumber);
    }
    for (const [shardId, sequenceNumber] of last) checkpoints.save(shardId, sequenceNumber);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeup.wake();
    await this.discovery;
    await Promise.all(this.loops);
    await this.options.checkpoints?.flush();
  }

  private async discover(): Promise<void> {
    while (this.running) {
      try {
        const shards = await this.shards();
        const known = new Set(shards.map((s) => s.ShardId));
        for (const shard of shards) {
          const id = shard.ShardId;
          if (!id || this.started.has(id)) continue;
          const parent = shard.ParentShardId;
          if (parent && known.has(parent) && !this.finished.has(parent)) continue;
          this.started.add(id);
          this.behind.add(id);
          this.loops.push(this.read(id));
        }
      } catch (error) {
        this.options.onError?.(error);
      }
      await this.wakeup.wait(this.options.describeEveryMs ?? 1_000);
    }
  }

  private async shards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.client.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  /** Far enough ahead of the handler to wait for it (a paused iterator that expires is re-acquired after `last`). */
  private tooFarAhead(): boolean {
    return this.options.checkpoints !== undefined && this.ahead >= (this.options.maxAhead ?? DEFAULT_MAX_AHEAD);
  }

  /** An iterator just after `last`, or at the shard's oldest record. */
  private async iteratorAfter(shardId: string, last: string | undefined): Promise<string | undefined> {
    const { ShardIterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ...(last
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: last }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  private async read(shardId: string): Promise<void> {
    await readShard({
      shardId,
      where: `${this.streamArn} shard ${shardId}`,
      options: this.options,
      wakeup: this.wakeup,
      running: () => this.running,
      iteratorAfter: (last) => this.iteratorAfter(shardId, last),
      getRecords: async (iterator) => {
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
        return { records: page.Records ?? [], next: page.NextShardIterator };
      },
      sequenceOf: (record) => record.dynamodb?.SequenceNumber,
      copy: (records) => {
        const copies = records.map((r) => toLambdaStreamRecord(r, this.streamArn));
        for (const copy of copies) this.shardOf.set(copy, shardId);
        this.log.append(0, copies);
        if (this.options.checkpoints) this.ahead += copies.length;
      },
      tooFarAhead: () => this.tooFarAhead(),
      setBehind: (behind) => (behind ? this.behind.add(shardId) : this.behind.delete(shardId)),
    });
    this.finished.add(shardId);
  }
}
