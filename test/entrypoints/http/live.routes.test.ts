import { describe, expect, it } from 'vitest';
import { createLocalContainer } from '../../../src/entrypoints/local/local.container.js';
import { TOKENS } from '../../../src/entrypoints/composition/tokens.js';
import { parseLocalConfig } from '../../../src/entrypoints/local/local-config.js';
import { InMemoryFeedStream } from '../../../src/adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { httpEvent } from '../http-test-events.js';

const api = (settings: Parameters<typeof parseLocalConfig>[0] = {}) => {
  const container = createLocalContainer({ config: parseLocalConfig({ logLevel: 'SILENT', ...settings }) });
  const handle = container.get(TOKENS.HttpApiHandler);
  lastFeed = container.get(TOKENS.FeedPublisher) as InMemoryFeedStream;
  return async (routeKey: string, options: Parameters<typeof httpEvent>[1] = {}) => {
    const r = await handle(httpEvent(routeKey, options));
    return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as Record<string, any>) : undefined };
  };
};

let lastFeed: InMemoryFeedStream;
/** Every item on the feed stream, in order per shard. */
const feedItems = (): Array<Record<string, any>> =>
  Array.from({ length: lastFeed.shardCount }, (_, shard) => lastFeed.read(shard, 0, 10_000)).flatMap((records) =>
    records.flatMap((r) => JSON.parse(r.data) as Record<string, any> | Array<Record<string, any>>),
  );

describe('live routes: the seller API and the viewers’ read side', () => {
  it('runs a channel through its commands and serves the snapshot and the recovery pages', async () => {
    const call = api();
    const path = { channelId: 'c1' };
    expect(
      await call('POST /api/channels', { body: { channelId: 'c1', title: ' Coats ', currency: 'KRW' }, as: 's1' }),
    ).toMatchObject({
      status: 201,
      body: { channelId: 'c1', streamId: 'channel-c1', version: 1, changed: true, status: 'SCHEDULED' },
    });
    // A retried command changes nothing and says so.
    expect(
      await call('POST /api/channels', { body: { channelId: 'c1', title: 'Coats', currency: 'KRW' }, as: 's1' }),
    ).toMatchObject({
      status: 200,
      body: { version: 1, changed: false },
    });
    expect((await call('POST /api/channels/{channelId}/start', { path, as: 's1' })).status).toBe(200);
    expect(
      (
        await call('POST /api/channels/{channelId}/products', {
          path,
          body: { productId: 'p1', name: 'Coat', price: 5000, currency: 'KRW' },
          as: 's1',
        })
      ).status,
    ).toBe(201);
    expect(
      await call('PUT /api/channels/{channelId}/products/{productId}/price', {
        path: { ...path, productId: 'p1' },
        body: { price: 4500, currency: 'KRW' },
        as: 's1',
      }),
    ).toMatchObject({
      status: 200,
      body: { version: 4 },
    });
    const snapshot = await call('GET /api/channels/{channelId}', { path });
    expect(snapshot).toMatchObject({
      status: 200,
      body: {
        versions: { 'channel-c1': 4 },
        view: { status: 'LIVE', title: 'Coats', products: { p1: { price: 4500, category: 'general' } } },
      },
    });
    const page = await call('GET /api/streams/{streamId}/events', {
      path: { streamId: 'channel-c1' },
      query: { after: '2' },
    });
    expect(page.body?.items.map((i: { version: number; eventType: string }) => `${i.version}:${i.eventType}`)).toEqual([
      '3:PRODUCT_LISTED',
      '4:PRICE_UPDATED',
    ]);
  });

  it('answers bad input with 4xx naming the field, unknown things with 404, and rule violations with the mapped status', async () => {
    const call = api();
    const path = { channelId: 'c1' };
    expect(await call('POST /api/channels', { body: { title: 'T', currency: 'won' }, as: 's1' })).toMatchObject({
      status: 400,
      body: { error: { field: 'currency' } },
    });
    expect(await call('POST /api/channels', { rawBody: '{oops', as: 's1' })).toMatchObject({
      status: 400,
      body: { error: { field: 'body' } },
    });
    expect(await call('GET /api/channels/{channelId}', { path: { channelId: 'no such!' } })).toMatchObject({
      status: 400,
      body: { error: { field: 'channelId' } },
    });
    expect(await call('GET /api/channels/{channelId}', { path })).toMatchObject({
      status: 404,
      body: { error: { code: 'CHANNEL_NOT_FOUND' } },
    });
    expect(await call('POST /api/channels/{channelId}/start', { path, as: 's1' })).toMatchObject({
      status: 404,
      body: { error: { code: 'CHANNEL_NOT_FOUND' } },
    });
    await call('POST /api/channels', { body: { channelId: 'c1', title: 'T', currency: 'KRW' }, as: 's1' });
    expect(
      await call('POST /api/channels', { body: { channelId: 'c1', title: 'T', currency: 'KRW' }, as: 's2' }),
    ).toMatchObject({
      status: 409,
      body: { error: { code: 'CHANNEL_ALREADY_SCHEDULED' } },
    });
    expect(await call('POST /api/channels/{channelId}/end', { path, as: 's1' })).toMatchObject({
      status: 409,
      body: { error: { code: 'CHANNEL_NOT_LIVE' } },
    });
    expect(
      await call('POST /api/channels/{channelId}/products', {
        path,
        body: { productId: 'p1', name: 'Coat', price: 5000, currency: 'USD' },
        as: 's1',
      }),
    ).toMatchObject({
      status: 422,
      body: { error: { code: 'CURRENCY_MISMATCH' } },
    });
    expect(await call('GET /api/streams/{streamId}/events', { path: { streamId: 'trip-t1' } })).toMatchObject({
      status: 404,
      body: { error: { code: 'STREAM_NOT_FOUND' } },
    });
    expect(
      await call('GET /api/streams/{streamId}/events', { path: { streamId: 'channel-c1' }, query: { after: '-1' } }),
    ).toMatchObject({
      status: 400,
      body: { error: { field: 'after' } },
    });
  });
});

describe('chat and likes over HTTP (viewers on the appsync-events broadcaster)', () => {
  const live = async (settings: Parameters<typeof parseLocalConfig>[0] = {}) => {
    const call = api(settings);
    await call('POST /api/channels', { body: { channelId: 'c1', title: 'Coats', currency: 'KRW' }, as: 's1' });
    await call('POST /api/channels/{channelId}/start', { path: { channelId: 'c1' }, as: 's1' });
    return call;
  };
  const path = { channelId: 'c1' };

  it('puts a chat line and likes on the feed as the verified caller, answered 202', async () => {
    const call = await live();
    const chat = await call('POST /api/channels/{channelId}/chat', {
      path,
      body: { text: '  Waterproof?  ', userId: 'mallory' },
      as: 'alice',
    });
    expect(chat).toMatchObject({ status: 202, body: { messageId: expect.any(String) } });
    expect(await call('POST /api/channels/{channelId}/likes', { path, body: { count: 3 }, as: 'bob' })).toMatchObject({
      status: 202,
      body: { count: 3 },
    });
    expect(await call('POST /api/channels/{channelId}/likes', { path, body: {}, as: 'bob' })).toMatchObject({
      status: 202,
      body: { count: 1 },
    });
    const signals = feedItems().filter((i) => i['kind'] === 'signal');
    expect(signals).toEqual([
      expect.objectContaining({ signal: 'CHAT', channelId: 'c1', userId: 'alice', text: 'Waterproof?' }),
      expect.objectContaining({ signal: 'LIKES', channelId: 'c1', count: 3 }),
      expect.objectContaining({ signal: 'LIKES', channelId: 'c1', count: 1 }),
    ]);
  });

  it('answers bad input with 400 naming the field, an unknown channel with 404, no token with 401; nothing is published', async () => {
    const call = await live();
    const before = feedItems().length;
    for (const [body, field] of [
      [{ text: '' }, 'text'],
      [{ text: 'x'.repeat(501) }, 'text'],
      [{ text: 'bell\u0007' }, 'text'],
      [{ text: 42 }, 'text'],
    ] as const)
      expect(await call('POST /api/channels/{channelId}/chat', { path, body, as: 'alice' })).toMatchObject({
        status: 400,
        body: { error: { field } },
      });
    for (const count of [0, 101, 1.5, '3'])
      expect(await call('POST /api/channels/{channelId}/likes', { path, body: { count }, as: 'alice' })).toMatchObject({
        status: 400,
        body: { error: { field: 'count' } },
      });
    expect(
      await call('POST /api/channels/{channelId}/chat', {
        path: { channelId: 'nope' },
        body: { text: 'hi' },
        as: 'alice',
      }),
    ).toMatchObject({ status: 404, body: { error: { code: 'CHANNEL_NOT_FOUND' } } });
    expect(await call('POST /api/channels/{channelId}/chat', { path, body: { text: 'hi' } })).toMatchObject({
      status: 401,
    });
    expect(feedItems().length).toBe(before);
  });

  it('holds each user to the same per-user budgets as the frames: 429 with Retry-After past them', async () => {
    const call = await live({ chatUserBurst: 2, chatUserPerSecond: 0.001, likeUserBurst: 1, likeUserPerSecond: 0.001 });
    const chat = () => call('POST /api/channels/{channelId}/chat', { path, body: { text: 'hi' }, as: 'alice' });
    expect((await chat()).status).toBe(202);
    expect((await chat()).status).toBe(202);
    expect(await chat()).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    // Another user has a budget of their own.
    expect((await call('POST /api/channels/{channelId}/chat', { path, body: { text: 'hi' }, as: 'bob' })).status).toBe(
      202,
    );
    const like = () => call('POST /api/channels/{channelId}/likes', { path, body: { count: 1 }, as: 'alice' });
    expect((await like()).status).toBe(202);
    expect((await like()).status).toBe(429);
    expect(feedItems().filter((i) => i['kind'] === 'signal')).toHaveLength(4);
  });
});
