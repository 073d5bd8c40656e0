import { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { toEventItem } from '../../../src/adapters/dynamodb/event-item.js';
import { EventStoreChangeStream } from '../../../src/adapters/local/event-store-change-stream.js';
import type { EventEnvelope } from '../../../src/domain/shared/envelope.js';
import { bidPlaced, bookingConfirmed, liveStarted } from '../../support/integration-fixtures.js';

/** A change stream fed by hand: `emit` stands for the in-memory event store's append listener. */
const fedStream = (options: { shardCount: number; retainPerShard?: number }) => {
  let emit: (events: readonly EventEnvelope[]) => void = () => undefined;
  const stream = new EventStoreChangeStream({ subscribe: (listener) => ((emit = listener), () => undefined) }, options);
  return { stream, emit: (events: readonly EventEnvelope[]) => emit(events) };
};

const allRecords = (stream: EventStoreChangeStream) =>
  Array.from({ length: stream.shardCount }, (_, shard) => stream.read(shard, 0, 1_000)).flat();

describe('EventStoreChangeStream (the DynamoDB Streams view of the in-memory store)', () => {
  const history = [
    ...Array.from({ length: 5 }, (_, i) => bidPlaced('a1', i + 1)),
    ...Array.from({ length: 4 }, (_, i) => bookingConfirmed('t1', i + 1)),
    liveStarted('c1', 1),
  ];

  it('builds the same record on every read, with the item the DynamoDB adapter writes as its NewImage', () => {
    const { stream, emit } = fedStream({ shardCount: 4 });
    emit(history);
    const first = allRecords(stream);
    const again = allRecords(stream);
    expect(again).toEqual(first);
    expect(first).toHaveLength(history.length);
    for (const record of first) {
      DynamoDBStreamRecord.parse(record);
      const key = record.dynamodb?.Keys;
      const event = history.find((e) => e.streamId === key?.streamId?.S && String(e.version) === key?.version?.N);
      expect(event).toBeDefined();
      expect(record.dynamodb?.NewImage).toEqual(marshall(toEventItem(event!), { removeUndefinedValues: true }));
    }
  });

  it("keeps one stream id's records on one shard, in append order, with rising sequence numbers", () => {
    const { stream, emit } = fedStream({ shardCount: 4 });
    emit(history.slice(0, 3));
    emit(history.slice(3));
    for (const streamId of ['auction-a1', 'trip-t1']) {
      const shards = new Set<number>();
      const versions: string[] = [];
      for (let shard = 0; shard < stream.shardCount; shard++) {
        for (const r of stream.read(shard, 0, 1_000)) {
          if (r.dynamodb?.Keys?.streamId?.S !== streamId) continue;
          shards.add(shard);
          versions.push(r.dynamodb.Keys.version?.N ?? '');
        }
      }
      expect(shards.size).toBe(1);
      expect(versions).toEqual(versions.map((_, i) => String(i + 1)));
    }
    for (let shard = 0; shard < stream.shardCount; shard++) {
      const sequences = stream.read(shard, 0, 1_000).map((r) => r.dynamodb?.SequenceNumber ?? '');
      expect([...sequences].sort()).toEqual(sequences);
    }
  });

  it('gives every record an eventID of its own, across change streams of one store too', () => {
    const a = fedStream({ shardCount: 2 });
    const b = fedStream({ shardCount: 2 });
    a.emit(history);
    b.emit(history);
    const ids = [...allRecords(a.stream), ...allRecords(b.stream)].map((r) => r.eventID);
    expect(new Set(ids).size).toBe(history.length * 2);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads from the oldest retained record once a shard is trimmed', () => {
    const { stream, emit } = fedStream({ shardCount: 1, retainPerShard: 2 });
    const events = Array.from({ length: 7 }, (_, i) => bidPlaced('a1', i + 1));
    emit(events);
    // Trimmed in halves: more than 2 × 2 records left 2 of them, and the positions stay absolute.
    expect(stream.length(0)).toBe(7);
    const from = stream.firstPosition(0, 0);
    expect(from).toBeGreaterThan(0);
    const kept = stream.read(0, 0, 10).map((r) => Number(r.dynamodb?.Keys?.version?.N));
    expect(kept).toEqual(events.slice(from).map((e) => e.version));
  });
});
