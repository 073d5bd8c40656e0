import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryFeedStream } from '../../../src/adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { PublishError } from '../../../src/application/ports/feed-publisher.port.js';
import type { FeedItem } from '../../../src/domain/live-feed/feed-item.js';

const like = (channelId: string, count: number): FeedItem => ({
  kind: 'signal',
  signal: 'LIKES',
  channelId,
  count,
  at: 0,
});
const all = (feed: InMemoryFeedStream) =>
  Array.from({ length: feed.shardCount }, (_, s) =>
    feed.read(s, 0, feed.length(s)).map((r) => ({ shard: s, ...r, item: JSON.parse(r.data) as FeedItem })),
  ).flat();

describe('InMemoryFeedStream: the Kinesis twin', () => {
  it('keeps each partition key on one shard, in order, with increasing sequence numbers', async () => {
    const feed = new InMemoryFeedStream({ shardCount: 4, sleeper: new FakeClock() });
    const items = Array.from({ length: 200 }, (_, i) => like(`ch${i % 7}`, i + 1));
    await feed.publish(items);
    const records = all(feed);
    for (let c = 0; c < 7; c++) {
      const mine = records.filter((r) => r.partitionKey === `ch${c}`);
      expect(new Set(mine.map((r) => r.shard)).size).toBe(1);
      expect(mine.map((r) => (r.item.kind === 'signal' && r.item.signal === 'LIKES' ? r.item.count : 0))).toEqual(
        items
          .filter((i) => i.channelId === `ch${c}`)
          .map((i) => (i.kind === 'signal' && i.signal === 'LIKES' ? i.count : 0)),
      );
      const seqs = mine.map((r) => r.sequenceNumber);
      expect([...seqs].sort()).toEqual(seqs);
    }
    expect(new Set(records.map((r) => r.shard)).size).toBeGreaterThan(1);
  });

  it('puts at most 500 records per call', async () => {
    const feed = new InMemoryFeedStream({ sleeper: new FakeClock() });
    await feed.publish(Array.from({ length: 1_201 }, (_, i) => like('c', i + 1)));
    expect(feed.puts).toBe(3);
  });

  it('retries refused records with back-off and gives up with PublishError naming them', async () => {
    const clock = new FakeClock();
    const feed = new InMemoryFeedStream({ sleeper: clock, maxAttempts: 3 });
    feed.injectFailures(2);
    await feed.publish([like('c', 1), like('c', 2), like('c', 3)]);
    // Retried records keep the channel's order: a refused record's successors wait behind it.
    expect(all(feed).map((r) => (r.item.kind === 'signal' && r.item.signal === 'LIKES' ? r.item.count : 0))).toEqual([
      1, 2, 3,
    ]);
    expect(feed.refusedRecords).toBeGreaterThanOrEqual(2);
    expect(feed.puts).toBe(3);

    const doomed = like('d', 9);
    feed.injectFailures(3, (i) => i === doomed);
    const error = await feed.publish([like('d', 8), doomed]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failed).toEqual([doomed]);
  });
});
