import { createHash, randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import { toEventItem } from '../dynamodb/event-item.js';
import { InMemoryShardedLog, ShardedLogView } from './sharded-log.js';
import type { StreamRecordFormat } from './stream-event-source.js';

/** Anything that reports its appends in order (the in-memory event store). */
export interface AppendFeed {
  subscribe(listener: (events: readonly EventEnvelope[]) => void): () => void;
}

export interface EventStoreChangeStreamOptions {
  readonly tableName?: string;
  readonly shardCount?: number;
  readonly region?: string;
  readonly retainPerShard?: number;
}

/** What a shard holds per record: the appended event and its sequence number, nothing formatted. */
interface ChangeEntry {
  readonly event: EventEnvelope;
  readonly sequence: number;
}

/**
 * The DynamoDB Streams view of the in-memory event store: every appended event becomes an
 * INSERT record whose NewImage is the item the DynamoDB adapter writes (`event-item.ts`), so the
 * relay decodes the very bytes it will see in AWS. Records of one stream id land on one shard,
 * in order (Streams order records per item key, and a stream's items share a partition).
 *
 * A shard keeps the event and its sequence number and builds the record when it is read (the
 * same record on every read: its `eventID` is derived from the sequence number). A built record
 * is ~40 objects and strings; kept for every event of a run, they were most of `npm start`'s heap
 * after a booking rush, and the young-generation pauses that copied them into the old one sat in
 * the accept latency's p99 (docs/PERFORMANCE.md).
 */
export class EventStoreChangeStream extends ShardedLogView<DynamoDBRecord, ChangeEntry> {
  readonly tableName: string;
  readonly streamArn: string;
  private readonly region: string;
  /** Makes `eventID`s unique across change streams, as AWS's are. */
  private readonly idPrefix = randomUUID().replaceAll('-', '').slice(0, 16);
  private sequence = 0;
  private readonly unsubscribe: () => void;

  constructor(source: AppendFeed, options: EventStoreChangeStreamOptions = {}) {
    super(new InMemoryShardedLog<ChangeEntry>(options.shardCount ?? 4, options.retainPerShard));
    this.tableName = options.tableName ?? 'events';
    this.region = options.region ?? 'local';
    this.streamArn = `arn:aws:dynamodb:${this.region}:000000000000:table/${this.tableName}/stream/local`;
    this.unsubscribe = source.subscribe((events) => {
      for (const event of events) this.log.append(this.shardOf(event.streamId), [{ event, sequence: ++this.sequence }]);
    });
  }

  read(shard: number, from: number, max: number): readonly DynamoDBRecord[] {
    return this.log.read(shard, from, max).map((entry) => this.toRecord(entry));
  }

  /** Stops listening to the store. */
  close(): void {
    this.unsubscribe();
  }

  /** The format the stream event source hands to the relay handler. */
  format(): StreamRecordFormat<DynamoDBRecord, DynamoDBStreamEvent> {
    return {
      identifierOf: (record) => record.dynamodb?.SequenceNumber ?? '',
      toEvent: (records) => ({ Records: [...records] }),
    };
  }

  private shardOf(streamId: string): number {
    return createHash('md5').update(streamId).digest().readUInt32BE(0) % this.shardCount;
  }

  private toRecord({ event, sequence }: ChangeEntry): DynamoDBRecord {
    const image = marshall(toEventItem(event), { removeUndefinedValues: true });
    const json = JSON.stringify(image);
    return {
      eventID: this.idPrefix + sequence.toString(16).padStart(16, '0'),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(event.occurredAt / 1000),
        Keys: { streamId: { S: event.streamId }, version: { N: String(event.version) } },
        // The SDK and aws-lambda types describe the same wire shape of an AttributeValue.
        NewImage: JSON.parse(json) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
        SequenceNumber: String(sequence).padStart(21, '0'),
        SizeBytes: Buffer.byteLength(json),
        StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: this.streamArn,
    };
  }
}
