import { describe, expect, it } from 'vitest';
import { SequentialIds } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryRecommendationRequestStream } from '../../../src/adapters/in-memory/recommendation-request-publisher-adapter-in-memory.js';
import { PublishError } from '../../../src/application/ports/feed-publisher.port.js';
import { RecommendationCacheError } from '../../../src/application/ports/recommendation-cache.port.js';
import { RequestRecommendations } from '../../../src/application/recommendations/request-recommendations.js';
import { ServeRecommendations } from '../../../src/application/recommendations/serve-recommendations.js';
import { makeRecommendRoutes } from '../../../src/entrypoints/http/recommend.routes.js';
import { recommendWorld, recordingLogger } from '../handlers/recommend-world.js';
import { call } from '../http-test-events.js';

const routesFor = async () => {
  const world = await recommendWorld();
  const stream = new InMemoryRecommendationRequestStream({ clock: world.clock });
  const logger = recordingLogger();
  const unexpected: unknown[] = [];
  const routes = makeRecommendRoutes({
    serve: world.serve,
    requests: new RequestRecommendations(stream, world.clock, new SequentialIds('req')),
    logger,
    onUnexpected: (e) => unexpected.push(e),
  });
  return { world, stream, logger, unexpected, routes };
};

describe('recommendation HTTP routes', () => {
  it('GET /recommend/cached computes and caches on a miss, then answers from the cache', async () => {
    const { routes, world } = await routesFor();
    const first = await call(routes, 'GET /recommend/cached/{userId}', {
      path: { userId: 'alice' },
      query: { top_n: '2' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ user_id: 'alice', top_n: 2, count: 2, from_cache: false });
    expect(first.body?.recommendations.map((r: { channelId: string }) => r.channelId)).toEqual(['quiet', 'mega']);
    expect(typeof first.body?.latency_ms).toBe('number');
    expect(first.body).not.toHaveProperty('fromCache');
    expect(first.body).not.toHaveProperty('latencyMs');
    const second = await call(routes, 'GET /recommend/cached/{userId}', {
      path: { userId: 'alice' },
      query: { top_n: '2' },
    });
    expect(second.body).toMatchObject({ from_cache: true, count: 2, recommendations: first.body?.recommendations });
    expect(await world.cache.get('alice', 2)).not.toBeNull();
  });

  it('defaults top_n to 10 (fewer when fewer channels are live)', async () => {
    const { routes } = await routesFor();
    const res = await call(routes, 'GET /recommend/cached/{userId}', { path: { userId: 'stranger' } });
    expect(res.body).toMatchObject({ count: 4 });
  });

  it.each(['0', '51', 'ten', '2.5', '-1', ''])('answers 400 naming top_n for top_n=%j', async (topN) => {
    const { routes } = await routesFor();
    for (const key of ['GET /recommend/cached/{userId}', 'GET /internal/recommend/{userId}']) {
      const res = await call(routes, key, { path: { userId: 'alice' }, query: { top_n: topN } });
      expect(res.status).toBe(400);
      expect(res.body?.error.field).toBe('top_n');
    }
  });

  it('answers 400 naming userId for an invalid user id', async () => {
    const { routes } = await routesFor();
    const res = await call(routes, 'GET /recommend/cached/{userId}', { path: { userId: 'a b' } });
    expect(res.status).toBe(400);
    expect(res.body?.error.field).toBe('userId');
  });

  it('GET /internal/recommend computes without the cache', async () => {
    const { routes, world } = await routesFor();
    const res = await call(routes, 'GET /internal/recommend/{userId}', {
      path: { userId: 'bob' },
      query: { top_n: '3' },
    });
    expect(res.body).toEqual({ user_id: 'bob', top_n: 3, count: 3, recommendations: expect.any(Array) });
    expect(await world.cache.get('bob', 3)).toBeNull();
  });

  it('still answers when the cache is down, and logs the outage', async () => {
    const { world, logger } = await routesFor();
    const serve = new ServeRecommendations({
      cache: {
        get: async () => Promise.reject(new RecommendationCacheError('GET failed: ECONNREFUSED')),
        put: async () => undefined,
      },
      recommender: world.recommender,
      clock: world.clock,
      metrics: world.metrics,
    });
    const routes = makeRecommendRoutes({
      serve,
      requests: { request: async () => Promise.reject(new Error('unused')) },
      logger,
      onUnexpected: () => undefined,
    });
    const res = await call(routes, 'GET /recommend/cached/{userId}', {
      path: { userId: 'alice' },
      query: { top_n: '1' },
    });
    expect(res).toMatchObject({ status: 200, body: { from_cache: false, count: 1 } });
    expect(logger.lines.map((l) => l.message)).toEqual([expect.stringMatching(/cache unavailable/)]);
  });

  it('POST /recommend/requests puts a request on the stream and answers 202', async () => {
    const { routes, stream } = await routesFor();
    const res = await call(routes, 'POST /recommend/requests', { body: { top_n: 5 }, as: 'carol' });
    expect(res).toEqual({ status: 202, body: { request_id: 'req-1', user_id: 'carol', top_n: 5, status: 'QUEUED' } });
    // The older spelling is still read.
    expect((await call(routes, 'POST /recommend/requests', { body: { topN: 4 }, as: 'carol' })).body).toMatchObject({
      top_n: 4,
    });
    const shard = stream.shardOf('carol');
    expect(stream.length(shard)).toBe(2);
    // On the stream: the design's record, snake_case.
    expect(JSON.parse(stream.read(shard, 0, 1)[0]?.data ?? '{}')).toEqual({
      user_id: 'carol',
      top_n: 5,
      request_id: 'req-1',
      timestamp: expect.any(Number),
    });
  });

  it('POST /recommend/requests answers 400 naming the field, 401 without a token, and 503 when the stream refuses', async () => {
    const { routes, world, logger } = await routesFor();
    expect(
      (await call(routes, 'POST /recommend/requests', { body: { top_n: 99 }, as: 'carol' })).body?.error.field,
    ).toBe('top_n');
    expect(
      (await call(routes, 'POST /recommend/requests', { body: { topN: 99 }, as: 'carol' })).body?.error.field,
    ).toBe('topN');
    // A body naming the user is no identity.
    expect(await call(routes, 'POST /recommend/requests', { body: { userId: 'carol' } })).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED' } },
    });
    const refusing = makeRecommendRoutes({
      serve: world.serve,
      requests: { request: async () => Promise.reject(new PublishError('refused', [])) },
      logger,
      onUnexpected: () => undefined,
    });
    expect((await call(refusing, 'POST /recommend/requests', { body: {}, as: 'carol' })).status).toBe(503);
  });
});
