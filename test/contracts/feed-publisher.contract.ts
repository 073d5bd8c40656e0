import { describe, expect, it } from 'vitest';
import { PublishError, type FeedPublisher } from '../../src/application/ports/feed-publisher.port.js';
import type { FeedItem } from '../../src/domain/live-feed/feed-item.js';

export interface FeedPublisherHarness {
  readonly publisher: FeedPublisher;
  /** Everything the stream holds, decoded to items, shard by shard (so per-channel order is the stream's). */
  readBack(): Promise<FeedItem[]>;
  /** The service refuses the next `count` records holding an item that matches `which` (ProvisionedThroughputExceeded). */
  refuse(count: number, which: (item: FeedItem) => boolean): void;
}

export interface FeedPublisherContractOptions {
  /** A publisher on a fresh, empty stream; retries must not really wait. */
  readonly makeHarness: () => Promise<FeedPublisherHarness>;
  /** The publisher's attempts per record (to exhaust the budget). */
  readonly maxAttempts: number;
}

const chat = (channelId: string, n: number, text = `message ${n}`): FeedItem => ({
  kind: 'signal',
  signal: 'CHAT',
  channelId,
  messageId: `${channelId}-m${n}`,
  userId: 'u1',
  text,
  at: 1_700_000_000_000 + n,
});

const event = (channelId: string, version: number, payloadBytes = 10): FeedItem => ({
  kind: 'event',
  channelId,
  streamId: `channel-${channelId}`,
  eventType: 'PRICE_UPDATED',
  sourceType: 'PriceUpdated',
  version,
  occurredAt: 1_700_000_000_000 + version,
  data: { blob: 'x'.repeat(payloadBytes) },
});

const ofChannel = (items: readonly FeedItem[], channelId: string) => items.filter((i) => i.channelId === channelId);
const ids = (items: readonly FeedItem[]) =>
  items.map((i) =>
    i.kind === 'event'
      ? `v${i.version}`
      : i.signal === 'CHAT'
        ? i.messageId
        : i.signal === 'LIKES'
          ? `likes${i.count}`
          : `watched:${i.userId}`,
  );

/**
 * What every FeedPublisher must do: deliver every item, in order per channel, whatever the
 * chunking at the Kinesis limits (500 records, 5 MiB per call, 1 MiB per record) and whatever
 * records the service refuses and the publisher retries.
 */
export const feedPublisherContract = (label: string, options: FeedPublisherContractOptions): void => {
  describe(`FeedPublisher contract: ${label}`, () => {
    it('delivers interleaved channels each in its own order', async () => {
      const h = await options.makeHarness();
      const items = Array.from({ length: 90 }, (_, i) => event(`c${i % 3}`, Math.floor(i / 3) + 1));
      await h.publisher.publish(items);
      await h.publisher.publish([event('c0', 31), event('c1', 31)]);
      const back = await h.readBack();
      for (const c of ['c0', 'c1', 'c2']) {
        expect(ids(ofChannel(back, c))).toEqual(ids([...ofChannel(items, c), ...(c === 'c2' ? [] : [event(c, 31)])]));
      }
      expect(back).toHaveLength(92);
    });

    it('publishes nothing for an empty batch', async () => {
      const h = await options.makeHarness();
      await h.publisher.publish([]);
      expect(await h.readBack()).toEqual([]);
    });

    it('delivers 501 channels at once (past the 500-record PutRecords limit)', async () => {
      const h = await options.makeHarness();
      const items = Array.from({ length: 501 }, (_, i) => chat(`ch-${i}`, i));
      await h.publisher.publish(items);
      const back = await h.readBack();
      expect(new Set(back.map((i) => i.channelId)).size).toBe(501);
      expect(back).toHaveLength(501);
    });

    it('delivers more than 5 MiB in one publish, and more than 1 MiB of one channel, in order', async () => {
      const h = await options.makeHarness();
      // 6 channels × 12 items × ~100 KB ≈ 7 MiB: several calls, and several records per channel.
      const items = Array.from({ length: 72 }, (_, i) => event(`big-${i % 6}`, Math.floor(i / 6) + 1, 100_000));
      await h.publisher.publish(items);
      const back = await h.readBack();
      for (let c = 0; c < 6; c++) {
        expect(ofChannel(back, `big-${c}`).map((i) => (i.kind === 'event' ? i.version : 0))).toEqual(
          Array.from({ length: 12 }, (_, v) => v + 1),
        );
      }
    });

    it('refuses an item over the 1 MiB record limit with PublishError, sending nothing', async () => {
      const h = await options.makeHarness();
      const huge = event('huge', 2, 1_100_000);
      const error = await h.publisher.publish([event('huge', 1), huge, chat('other', 1)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).failed).toEqual([huge]);
      expect(await h.readBack()).toEqual([]);
    });

    it('retries refused records and keeps the channel in order', async () => {
      const h = await options.makeHarness();
      // Refuse the record holding c1's 3rd item twice; c1's later items must not overtake it.
      h.refuse(2, (item) => item.channelId === 'c1' && item.kind === 'event' && item.version === 3);
      const items = Array.from({ length: 30 }, (_, i) => event(`c${i % 3}`, Math.floor(i / 3) + 1));
      await h.publisher.publish(items);
      const back = await h.readBack();
      for (const c of ['c0', 'c1', 'c2']) expect(ids(ofChannel(back, c))).toEqual(ids(ofChannel(items, c)));
    });

    it('gives up with PublishError naming what failed once the attempts run out, keeping other channels', async () => {
      const h = await options.makeHarness();
      h.refuse(1_000, (item) => item.channelId === 'stuck');
      const error = await h.publisher
        .publish([chat('stuck', 1), chat('fine', 1), chat('stuck', 2), chat('fine', 2)])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).message).toMatch(/2 of 4/);
      expect(ids((error as PublishError).failed as FeedItem[])).toEqual(['stuck-m1', 'stuck-m2']);
      const back = await h.readBack();
      expect(ids(ofChannel(back, 'fine'))).toEqual(['fine-m1', 'fine-m2']);
      expect(ofChannel(back, 'stuck')).toEqual([]);
    });
  });
};
