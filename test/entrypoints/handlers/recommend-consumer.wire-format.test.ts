import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRecommendationCache } from '../../../src/adapters/redis/recommendation-cache-adapter-redis.js';
import { makeRecommendRoutes } from '../../../src/entrypoints/http/recommend.routes.js';
import { startRedisForTests, type RedisForTests } from '../../support/redis.js';
import { call } from '../http-test-events.js';
import {
  camelRequestRecord,
  kinesisEvent,
  rawRecord,
  recommendWorld,
  recordingLogger,
  NOW,
} from './recommend-world.js';

let redis: RedisForTests;
beforeAll(async () => {
  redis = await startRedisForTests();
});
afterAll(async () => {
  await redis?.stop();
});

/** The consumer and the public GET over one Redis cache, as in AWS. */
const worldOnRedis = async () => {
  const keyPrefix = redis.subPrefix();
  const world = await recommendWorld({ cache: new RedisRecommendationCache(redis.client, { keyPrefix }) });
  const routes = makeRecommendRoutes({
    serve: world.serve,
    requests: { request: () => Promise.reject(new Error('not used here')) },
    logger: recordingLogger(),
    onUnexpected: (error) => {
      throw error;
    },
  });
  return { ...world, keyPrefix, routes };
};

describe('recommend-consumer reads the design wire format', () => {
  it('serves a snake_case { user_id, top_n, request_id, timestamp } record, caches it at rec:user:{id}:top{n} with the TTL, and the GET answers from_cache / latency_ms', async () => {
    const world = await worldOnRedis();
    // Exactly what a producer written to the design puts on the stream (ISO timestamps are the design's too).
    const record = rawRecord(
      1,
      JSON.stringify({
        user_id: 'design-user',
        top_n: 3,
        request_id: 'c0a8012e-7a1b-4c3d-9e8f-001122334455',
        timestamp: '2025-10-24T10:30:00Z',
      }),
    );
    const response = await world.handler(kinesisEvent([{ ...record, partitionKey: 'design-user' }]));
    expect(response.batchItemFailures).toEqual([]);
    expect(world.metrics.snapshot()).toMatchObject({ rejected: 0, stream: { hits: 0, misses: 1 } });

    const key = `${world.keyPrefix}rec:user:design-user:top3`;
    const ttl = await redis.client.ttl(key);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(JSON.parse((await redis.client.get(key)) ?? '{}')).toMatchObject({ userId: 'design-user', topN: 3 });

    const cached = await call(world.routes, 'GET /recommend/cached/{userId}', {
      path: { userId: 'design-user' },
      query: { top_n: '3' },
    });
    expect(cached).toMatchObject({
      status: 200,
      body: { user_id: 'design-user', top_n: 3, count: 3, from_cache: true, latency_ms: expect.any(Number) },
    });
    expect(Object.keys(cached.body ?? {})).not.toEqual(expect.arrayContaining(['fromCache']));
    expect(Object.keys(cached.body ?? {})).not.toEqual(expect.arrayContaining(['latencyMs']));
  });

  it('defaults a missing top_n to 10 and still reads the older camelCase records', async () => {
    const world = await worldOnRedis();
    const snake = rawRecord(1, JSON.stringify({ user_id: 'snake-default', request_id: 'r1', timestamp: NOW }));
    const response = await world.handler(kinesisEvent([snake, camelRequestRecord(2, 'camel-user', 2)]));
    expect(response.batchItemFailures).toEqual([]);
    expect(
      await redis.client.exists(
        `${world.keyPrefix}rec:user:snake-default:top10`,
        `${world.keyPrefix}rec:user:camel-user:top2`,
      ),
    ).toBe(2);
  });

  it('fails a snake_case record with a bad field, naming the design field', async () => {
    const world = await worldOnRedis();
    const bad = rawRecord(1, JSON.stringify({ user_id: 'u1', top_n: 500, request_id: 'r1', timestamp: NOW }));
    const response = await world.handler(kinesisEvent([bad]));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.sequenceNumber }]);
    expect(JSON.stringify(world.logger.lines.filter((l) => l.level === 'warn').map((l) => l.extra))).toMatch(/top_n/);
    expect(await redis.client.exists(`${world.keyPrefix}rec:user:u1:top500`)).toBe(0);
  });
});
