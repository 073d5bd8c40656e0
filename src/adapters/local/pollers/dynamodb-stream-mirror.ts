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
import type { ShardCheckpoints } from './shard-checkpoints.js';

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

/** The pause after the `emptyPolls`-th empty poll in a row: `idlePollMs`, doubling up to `maxIdlePollMs`. */
export const idleWaitMs = (options: Pick<StreamMirrorOptions, 'idlePollMs' | 'maxIdlePollMs'>, emptyPolls: number) => {
  const first = options.idlePollMs ?? 100;
  return Math.min(
    Math.max(first, options.maxIdlePollMs ?? first),
    first * 2 ** Math.min(16, Math.max(0, emptyPolls - 1)),
  );
};

/**
 * The shard iterator after `last`. When `last` came from a checkpoint the stream no longer holds
 * (trimmed past it, or a stream of the same name made anew), the shard is read from its oldest
 * record, with a warning; any other failure is thrown.
 */
export const iteratorResuming = async (
  iteratorAfter: (last: string | undefined) => Promise<string | undefined>,
  at: {
    last: string | undefined;
    fromCheckpoint: boolean;
    warn: ((message: string) => void) | undefined;
    where: string;
  },
): Promise<{ iterator: string | undefined; last: string | undefined }> => {
  try {
    return { iterator: await iteratorAfter(at.last), last: at.last };
  } catch (error) {
    if (!at.fromCheckpoint || !UNRESUMABLE.has((error as Error).name)) throw error;
    at.warn?.(
      `${at.where}: cannot resume after ${at.last} (${(error as Error).name}); reading it from its oldest record`,
    );
    return { iterator: await iteratorAfter(undefined), last: undefined };
  }
};

export interface StreamMirrorOptions {
  /** Pause after an empty GetRecords (AWS allows 5 GetRecords/s per shard). */
  readonly idlePollMs?: number;
  /**
   * While a shard stays empty the pause doubles up to this (default: `idlePollMs`, no back-off),
   * and drops back at the first record: idle pollers of a quiet runtime then stop taking CPU
   * from the requests it serves (Lambda itself polls a stream shard about 4 times a second).
   */
  readonly maxIdlePollMs?: number;
  /** Pause between DescribeStream calls looking for new shards. */
  readonly describeEveryMs?: number;
  readonly onError?: (error: unknown) => void;
  /**
   * Resume each shard after the last record handled by the previous run, and save where the
   * handler has got to (`handled`). Without it every shard is read from TRIM_HORIZON.
   */
  readonly checkpoints?: ShardCheckpoints;
  /** A saved position could not be used (the stream was recreated or trimmed): that shard is read from its oldest record. */
  readonly onWarning?: (message: string) => void;
  /**
   * With checkpoints: stop copying while this many records (plus at most one page) wait for the handler. The local log
   * keeps a bounded number of records; a mirror far ahead (a restart onto a large backlog) would
   * push unhandled ones out of it, and the checkpoint would then move past them.
   */
  readonly maxAhead?: number;
}

/** Records a checkpointing mirror copies ahead of its handler at most (well below the log's retention). */
export const DEFAULT_MAX_AHEAD = 10_000;

/** Errors after which a saved position cannot be resumed from (the stream or the records behind it are gone). */
const UNRESUMABLE: ReadonlySet<string> = new Set([
  'TrimmedDataAccessException',
  'ResourceNotFoundException',
  'ValidationException',
  'InvalidArgumentException',
]);

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
    let iterator: string | undefined;
    // After an error the iterator is re-acquired after the last record copied: no duplicates.
    let last: string | undefined = this.options.checkpoints?.initial.get(shardId);
    let fromCheckpoint = last !== undefined;
    let emptyPolls = 0;
    while (this.running) {
      try {
        if (iterator === undefined) {
          ({ iterator, last } = await iteratorResuming((after) => this.iteratorAfter(shardId, after), {
            last,
            fromCheckpoint,
            warn: this.options.onWarning,
            where: `${this.streamArn} shard ${shardId}`,
          }));
          fromCheckpoint = false;
        }
        if (!iterator) break;
        if (this.tooFarAhead()) {
          await this.wakeup.wait(this.options.idlePollMs ?? 100);
          continue;
        }
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
        const records = page.Records ?? [];
        if (records.length > 0) {
          const copies = records.map((r) => toLambdaStreamRecord(r, this.streamArn));
          for (const copy of copies) this.shardOf.set(copy, shardId);
          this.log.append(0, copies);
          if (this.options.checkpoints) this.ahead += copies.length;
          last = records.at(-1)?.dynamodb?.SequenceNumber ?? last;
        }
        iterator = page.NextShardIterator;
        if (!iterator) break; // the shard is closed and fully read: its children may start
        if (records.length === 0) {
          this.behind.delete(shardId);
          await this.wakeup.wait(idleWaitMs(this.options, ++emptyPolls));
        } else {
          emptyPolls = 0;
          this.behind.add(shardId);
        }
      } catch (error) {
        this.options.onError?.(error);
        iterator = undefined;
        await this.wakeup.wait(this.options.idlePollMs ?? 100);
      }
    }
    this.behind.delete(shardId);
    this.finished.add(shardId);
  }
}
