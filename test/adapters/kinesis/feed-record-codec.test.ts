import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeFeedRecord, encodeFeedRecord } from '../../../src/adapters/kinesis/feed-record-codec.js';
import type { FeedItem } from '../../../src/domain/live-feed/feed-item.js';
import { makeFanoutHandler } from '../../../src/entrypoints/handlers/fanout.js';

const like = (channelId: string, count: number): FeedItem => ({
  kind: 'signal',
  signal: 'LIKES',
  channelId,
  count,
  at: count,
});
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const kinesisEvent = (datas: string[]): KinesisStreamEvent => ({
  Records: datas.map((data, i) => ({
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'k',
      sequenceNumber: String(100 + i),
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: 1,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${100 + i}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/x',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/feed',
  })),
});

describe('feed record codec', () => {
  it('decodes aggregated and bare records to their items, in order', () => {
    expect(decodeFeedRecord(encodeFeedRecord([like('a', 1), like('a', 2)]))).toEqual([like('a', 1), like('a', 2)]);
    expect(decodeFeedRecord(Buffer.from(JSON.stringify(like('b', 3))))).toEqual([like('b', 3)]);
  });

  it('names the bad field of a malformed record', () => {
    expect(() =>
      decodeFeedRecord('{"items":[{"kind":"signal","signal":"LIKES","channelId":"a","count":0,"at":1}]}'),
    ).toThrow(/items\.0\.count/);
    expect(() => decodeFeedRecord('not json')).toThrow(/not JSON/);
  });

  it('feeds the fanout handler every item of aggregated records, and fails a poisoned record by its sequence number', async () => {
    const seen: FeedItem[] = [];
    const fanout = makeFanoutHandler({
      fanOut: async (items) => {
        seen.push(...items);
        return { channels: 1, items: items.length, messages: 1, calls: 1, failed: new Map() };
      },
      logger: quiet,
    });
    const ok = await fanout(
      kinesisEvent([encodeFeedRecord([like('a', 1), like('a', 2)]), JSON.stringify(like('a', 3))]),
    );
    expect(ok).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([like('a', 1), like('a', 2), like('a', 3)]);
    seen.length = 0;
    const poisoned = await fanout(
      kinesisEvent([encodeFeedRecord([like('a', 4)]), '{"items":[]}', encodeFeedRecord([like('a', 5)])]),
    );
    expect(poisoned).toEqual({ batchItemFailures: [{ itemIdentifier: '101' }] });
    expect(seen).toEqual([like('a', 4)]);
  });
});
