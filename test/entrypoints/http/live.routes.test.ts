import { describe, expect, it } from 'vitest';
import { createLocalContainer } from '../../../src/entrypoints/local/local.container.js';
import { TOKENS } from '../../../src/entrypoints/composition/tokens.js';
import { parseLocalConfig } from '../../../src/entrypoints/local/local-config.js';
import { httpEvent } from '../http-test-events.js';

const api = () => {
  const container = createLocalContainer({ config: parseLocalConfig({ logLevel: 'SILENT' }) });
  const handle = container.get(TOKENS.HttpApiHandler);
  return async (routeKey: string, options: Parameters<typeof httpEvent>[1] = {}) => {
    const r = await handle(httpEvent(routeKey, options));
    return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as Record<string, any>) : undefined };
  };
};

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
