import { describe, expect, it } from 'vitest';
import { InMemoryConnectionGateway } from '../../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { InMemoryConnectionRegistry } from '../../../src/adapters/in-memory/connection-registry-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { makeBroadcast } from '../../../src/application/live/broadcast-feed.js';
import { chunkBySize, FeedItemTooLargeError, planBroadcast } from '../../../src/application/live/broadcast-plan.js';
import { makeFanOut } from '../../../src/application/live/fan-out-feed.js';
import { EnqueueError, type MessageQueue } from '../../../src/application/ports/message-queue.port.js';
import type { BroadcastMessage, ChannelFeedEvent, FeedItem } from '../../../src/domain/live-feed/feed-item.js';

const event = (
  channelId: string,
  version: number,
  eventType: ChannelFeedEvent['eventType'] = 'PRICE_UPDATED',
  data: Record<string, unknown> = {},
): ChannelFeedEvent => ({
  kind: 'event',
  channelId,
  streamId: `channel-${channelId}`,
  eventType,
  sourceType: 'x',
  version,
  occurredAt: version,
  data,
});
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

const watched = async (channels: Record<string, number>, shardSize = 2) => {
  const registry = new InMemoryConnectionRegistry({ shardSize });
  for (const [channelId, viewers] of Object.entries(channels)) {
    for (let i = 0; i < viewers; i++) await registry.join(`${channelId}-v${i}`, channelId, null, 0);
  }
  return registry;
};

describe('fan-out (F3)', () => {
  it('sends one message per (channel, shard), with the channel items coalesced, and nothing for unwatched channels', async () => {
    const registry = await watched({ a: 5, b: 1 });
    const queue = new InMemoryQueue<BroadcastMessage>();
    const fanOut = makeFanOut({ queue, registry });
    const result = await fanOut([
      event('a', 1, 'VIEWER_COUNT_CHANGED', { count: 1 }),
      event('b', 1),
      event('a', 2, 'VIEWER_COUNT_CHANGED', { count: 2 }),
      event('nobody', 1),
      { kind: 'signal', signal: 'LIKES', channelId: 'a', count: 2, at: 1 },
      { kind: 'signal', signal: 'LIKES', channelId: 'a', count: 3, at: 2 },
    ]);
    expect(result).toMatchObject({ channels: 3, messages: 4, failed: new Map() });
    const bodies = queue.receive(10).map((m) => m.body as BroadcastMessage);
    expect(bodies.map((b) => `${b.channelId}/${b.shardNo}`).sort()).toEqual(['a/0', 'a/1', 'a/2', 'b/0']);
    const a0 = bodies.find((b) => b.channelId === 'a' && b.shardNo === 0);
    expect(a0?.payload.items).toEqual([
      { ...event('a', 2, 'VIEWER_COUNT_CHANGED', { count: 2 }), fromVersion: 1 },
      { kind: 'signal', signal: 'LIKES', channelId: 'a', count: 5, at: 2 },
    ]);
  });

  it('splits a channel’s items into several messages per shard to stay under the size limit, in order', () => {
    const items: FeedItem[] = Array.from({ length: 40 }, (_, i) =>
      event('a', i + 1, 'PRICE_UPDATED', { note: 'x'.repeat(200) }),
    );
    const limit = 2_000;
    const messages = planBroadcast('a', items, 3, limit);
    const perShard = messages.filter((m) => m.shardNo === 1);
    expect(perShard.length).toBeGreaterThan(1);
    for (const m of messages) expect(bytes(m)).toBeLessThanOrEqual(limit);
    expect(perShard.flatMap((m) => m.payload.items)).toEqual(items);
    expect(messages.filter((m) => m.shardNo === 0).flatMap((m) => m.payload.items)).toEqual(items);
  });

  it('refuses an item that alone exceeds a message', () => {
    expect(() => chunkBySize('a', [event('a', 1, 'PRICE_UPDATED', { blob: 'y'.repeat(5_000) })], 1, 2_000)).toThrow(
      FeedItemTooLargeError,
    );
  });

  it('reports a channel whose messages could not be enqueued and still fans out the others', async () => {
    const registry = await watched({ a: 1, b: 1 });
    const inner = new InMemoryQueue<BroadcastMessage>();
    const queue: MessageQueue<BroadcastMessage> = {
      send: async (messages) => {
        if (messages.some((m) => m.body.channelId === 'a')) throw new EnqueueError('SQS throttled', messages);
        await inner.send(messages);
      },
    };
    const result = await makeFanOut({ queue, registry })([event('a', 1), event('b', 1)]);
    expect([...result.failed.keys()]).toEqual(['a']);
    expect(inner.receive(10).map((m) => m.body?.channelId)).toEqual(['b']);
  });
});

describe('broadcast (F4)', () => {
  const message = (channelId: string, shardNo: number, extra: Partial<BroadcastMessage> = {}): BroadcastMessage => ({
    channelId,
    shardNo,
    payload: { channelId, items: [event(channelId, 1)] },
    ...extra,
  });

  it('posts one frame to every connection of the shard, removes gone ones, and the rest still get it', async () => {
    const registry = await watched({ a: 4 }, 4);
    const gateway = new InMemoryConnectionGateway();
    for (const id of ['a-v0', 'a-v1', 'a-v2', 'a-v3']) gateway.connect(id);
    gateway.markGone('a-v1');
    const queue = new InMemoryQueue<BroadcastMessage>();
    const result = await makeBroadcast({ registry, gateway, retryQueue: queue })(message('a', 0));
    expect(result).toEqual({ delivered: 3, gone: ['a-v1'], retried: [], abandoned: [] });
    expect(await registry.get('a-v1')).toBeNull();
    for (const id of ['a-v0', 'a-v2', 'a-v3']) {
      expect(gateway.parsedFramesOf(id)).toEqual([{ type: 'feed', channelId: 'a', items: [event('a', 1)] }]);
    }
    expect(queue.counts().total).toBe(0);
  });

  it('retries only the connections a post could not reach, then gives them up after maxRetries', async () => {
    const registry = await watched({ a: 3 }, 3);
    const gateway = new InMemoryConnectionGateway();
    for (const id of ['a-v0', 'a-v1', 'a-v2']) gateway.connect(id);
    gateway.markFailing('a-v2');
    const queue = new InMemoryQueue<BroadcastMessage>();
    const broadcast = makeBroadcast({ registry, gateway, retryQueue: queue, maxRetries: 2, retryDelaySeconds: 0 });
    expect((await broadcast(message('a', 0))).retried).toEqual(['a-v2']);
    const retry = queue.receive(10)[0]?.body as BroadcastMessage;
    expect(retry).toMatchObject({ connectionIds: ['a-v2'], attempt: 1 });
    await broadcast(retry);
    const last = queue.receive(10)[0]?.body as BroadcastMessage;
    expect(last.attempt).toBe(2);
    expect(await broadcast(last)).toMatchObject({ retried: [], abandoned: ['a-v2'] });
    expect(gateway.framesOf('a-v0')).toHaveLength(1); // the retries never reached the others
    gateway.heal('a-v2');
    expect(await broadcast(message('a', 0, { connectionIds: ['a-v2'], attempt: 1 }))).toMatchObject({ delivered: 1 });
  });

  it('gives up at once on connections refused for good (a frame over 128 KB): no retry message could fare better', async () => {
    const registry = await watched({ a: 2 }, 2);
    const gateway = new InMemoryConnectionGateway();
    for (const id of ['a-v0', 'a-v1']) gateway.connect(id);
    const queue = new InMemoryQueue<BroadcastMessage>();
    const huge = {
      kind: 'signal' as const,
      signal: 'CHAT' as const,
      channelId: 'a',
      userId: 'u',
      text: 'x'.repeat(130 * 1024),
      at: 1,
    };
    const result = await makeBroadcast({ registry, gateway, retryQueue: queue })(
      message('a', 0, { payload: { channelId: 'a', items: [huge] } as BroadcastMessage['payload'] }),
    );
    expect(result).toEqual({ delivered: 0, gone: [], retried: [], abandoned: ['a-v0', 'a-v1'] });
    expect(queue.counts().total).toBe(0);
  });

  it('costs nothing for an empty shard', async () => {
    const gateway = new InMemoryConnectionGateway();
    const result = await makeBroadcast({
      registry: new InMemoryConnectionRegistry(),
      gateway,
      retryQueue: new InMemoryQueue(),
    })(message('a', 3));
    expect(result.delivered).toBe(0);
    expect(gateway.postCount).toBe(0);
  });
});
