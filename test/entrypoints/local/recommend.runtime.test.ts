import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { InMemoryRecommendationModelStore } from '../../../src/adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { ProjectRecommendationFacts } from '../../../src/application/recommendations/project-recommendation-facts.js';
import { rebuildRecommendationModel } from '../../../src/application/recommendations/rebuild-recommendation-model.js';
import { LOCAL_TOKENS } from '../../../src/entrypoints/local/local.container.js';
import { RECOMMEND_TOKENS } from '../../../src/entrypoints/composition/recommend.module.js';
import { LOCAL_RECOMMEND_TOKENS } from '../../../src/entrypoints/local/recommend.feature.js';
import { api, connect, eventually, startQuietRuntime } from '../local-runtime-client.js';

describe('recommendations in the local runtime (npm start)', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startQuietRuntime();
    const channel = async (channelId: string, productId: string, category: string) => {
      expect(
        (
          await api(
            runtime,
            'POST',
            '/api/channels',
            { channelId, title: `Live ${channelId}`, currency: 'KRW' },
            { as: `seller-${channelId}` },
          )
        ).status,
      ).toBe(201);
      expect(
        (
          await api(
            runtime,
            'POST',
            `/api/channels/${channelId}/products`,
            { productId, name: productId, category, price: 10_000, currency: 'KRW' },
            { as: `seller-${channelId}` },
          )
        ).status,
      ).toBe(201);
      expect(
        (await api(runtime, 'POST', `/api/channels/${channelId}/start`, undefined, { as: `seller-${channelId}` }))
          .status,
      ).toBe(200);
    };
    await channel('shoes', 'sneaker', 'fashion');
    await channel('phones', 'pixel', 'tech');
    await channel('boots', 'boot', 'fashion');
    const opened = await api(
      runtime,
      'POST',
      '/api/channels/phones/auctions',
      { auctionId: 'a-pixel', productId: 'pixel', startingPrice: 1_000, minIncrement: 100, durationSeconds: 600 },
      { as: 'seller-phones' },
    );
    expect(opened.status).toBe(201);
    for (const [i, bidder] of ['bob', 'carol', 'dave'].entries()) {
      expect(
        (
          await api(
            runtime,
            'POST',
            '/api/auctions/a-pixel/bids',
            { bidId: `b${i}`, amount: 1_000 + i * 100 },
            { as: bidder },
          )
        ).status,
      ).toBe(201);
    }
    const boots = await api(
      runtime,
      'POST',
      '/api/channels/boots/auctions',
      { auctionId: 'a-boot', productId: 'boot', startingPrice: 1_000, minIncrement: 100, durationSeconds: 600 },
      { as: 'seller-boots' },
    );
    expect(boots.status).toBe(201);
    expect(
      (await api(runtime, 'POST', '/api/auctions/a-boot/bids', { bidId: 'alice-1', amount: 1_000 }, { as: 'alice' }))
        .status,
    ).toBe(201);
    // (whenIdle would also wait for the auctions' scheduled closes.) The feed reaches the model:
    const model = runtime.container.get(RECOMMEND_TOKENS.ModelStore);
    const projected = async () => ({
      live: (await model.liveChannels()).length,
      alice: await model.taste('alice'),
      bob: await model.taste('bob'),
    });
    const seen = await eventually(projected, (m) => m.live === 3 && m.alice !== null && m.bob !== null);
    expect(seen.live).toBe(3);
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('answers a request put on the stream from the cache the consumer filled, from the live feed', async () => {
    const queued = await api(runtime, 'POST', '/recommend/requests', { topN: 3 }, { as: 'alice' });
    expect(queued).toMatchObject({ status: 202, body: { user_id: 'alice', top_n: 3, status: 'QUEUED' } });
    const metrics = runtime.container.get(LOCAL_RECOMMEND_TOKENS.Metrics);
    await eventually(
      async () => metrics.snapshot().stream.misses,
      (n) => n >= 1,
    );
    const cached = await api(runtime, 'GET', '/recommend/cached/alice?top_n=3');
    expect(cached.body).toMatchObject({ user_id: 'alice', count: 3, from_cache: true, latency_ms: expect.any(Number) });
    const ranked = cached.body?.recommendations as { channelId: string; reason: string }[];
    // phones has three recent bids; alice bid on fashion, which lifts shoes (never visited) too.
    expect(ranked.map((r) => [r.channelId, r.reason])).toEqual([
      ['boots', 'FOR_YOU'],
      ['shoes', 'FOR_YOU'],
      ['phones', 'POPULAR'],
    ]);
  });

  it('gives an unknown user popularity only, and validates top_n', async () => {
    const res = await api(runtime, 'GET', '/internal/recommend/nobody?top_n=2');
    expect(res.body).toMatchObject({ user_id: 'nobody', count: 2 });
    expect(
      (res.body?.recommendations as { channelId: string; reason: string }[]).map((r) => [r.channelId, r.reason]),
    ).toEqual([
      ['phones', 'POPULAR'],
      ['boots', 'POPULAR'],
    ]);
    const bad = await api(runtime, 'GET', '/recommend/cached/alice?top_n=100');
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'top_n' } } });
  });

  it('rebuilds the same read model from the event store as the live projection built from the feed', async () => {
    const events = runtime.container.get(LOCAL_TOKENS.InMemoryEventStore);
    const log = (await Promise.all(events.streamIds().map(async (id) => (await events.read(id)).events))).flat();
    const rebuilt = new InMemoryRecommendationModelStore();
    await rebuildRecommendationModel(new ProjectRecommendationFacts(rebuilt), log, 7);
    const live = runtime.container.get(RECOMMEND_TOKENS.ModelStore);
    const ids = ['shoes', 'phones', 'boots'];
    const docs = async (store: typeof live) => [...(await store.channels(ids)).values()].map((r) => r.doc);
    expect(await docs(rebuilt)).toEqual(await docs(live));
    for (const user of ['alice', 'bob', 'carol', 'dave'])
      expect((await rebuilt.taste(user))?.doc).toEqual((await live.taste(user))?.doc);
  });

  // Last: the likes and joins below are signals, which a rebuild from the event store does not see.
  it('learns the channels a signed-in viewer watches (WATCHED on the feed), never from anonymous viewers, and never shows WATCHED to viewers', async () => {
    const anonymous = await connect(runtime);
    anonymous.send({ action: 'join', channelId: 'phones' });
    await eventually(
      async () => anonymous.frames,
      (f) => f.some((frame) => frame['type'] === 'joined'),
    );
    const erin = await connect(runtime, { as: 'erin' });
    erin.send({ action: 'join', channelId: 'phones' });
    await eventually(
      async () => erin.frames,
      (f) => f.some((frame) => frame['type'] === 'joined'),
    );

    const model = runtime.container.get(RECOMMEND_TOKENS.ModelStore);
    const taste = await eventually(
      async () => (await model.taste('erin'))?.doc ?? null,
      (doc) => doc !== null,
    );
    expect(taste?.channels).toEqual({ phones: 1 });
    const ranked = (await api(runtime, 'GET', '/internal/recommend/erin?top_n=3')).body?.recommendations as {
      channelId: string;
      reason: string;
    }[];
    expect(ranked[0]).toMatchObject({ channelId: 'phones', reason: 'FOR_YOU' });

    // A like after the join: once the anonymous viewer sees it, the batch with the WATCHED signal has been fanned out too.
    erin.send({ action: 'like' });
    await eventually(
      async () => anonymous.frames,
      (f) => JSON.stringify(f).includes('"LIKES"'),
    );
    expect(JSON.stringify([...anonymous.frames, ...erin.frames])).not.toContain('WATCHED');
    await Promise.all([anonymous.close(), erin.close()]);
  });
});
