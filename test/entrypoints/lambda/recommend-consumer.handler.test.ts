import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exampleEnvironment } from '../../../src/entrypoints/composition/config.js';
import { kinesisEvent, rawRecord, requestRecord, FEED_STREAM_ARN } from '../handlers/recommend-world.js';
import { startRedisForTests, type RedisForTests } from '../../support/redis.js';

const FEED_STREAM = FEED_STREAM_ARN.split(':stream/')[1] as string;

/** Imports the Lambda entry afresh with `env` (it builds everything once, at import, like a cold start). */
const coldStart = async (env: Record<string, string>) => {
  vi.resetModules();
  for (const [k, v] of Object.entries({
    ...exampleEnvironment('recommend-consumer'),
    FEED_STREAM_NAME: FEED_STREAM,
    LOG_LEVEL: 'ERROR',
    ...env,
  }))
    vi.stubEnv(k, v);
  return (await import('../../../src/entrypoints/lambda/recommend-consumer.handler.js')).handler;
};

/** Captures what Powertools writes (EMF metrics and logs are JSON lines; warnings go to stderr). */
const captureStdout = () => {
  const lines: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(record),
    vi.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
};

describe('recommend-consumer Lambda entry', () => {
  let redis: RedisForTests;
  beforeAll(async () => {
    // A private server: the Lambda writes unprefixed production keys, which must not land in a shared Redis.
    redis = await startRedisForTests({ sharedPort: 1 });
  });
  afterAll(async () => {
    // Only ever the private server this file started (never the shared one at 6379).
    if (redis && redis.port !== 6379) await redis.client.flushall();
    await redis?.stop();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('serves requests into Redis under the seed key and reports malformed records, with EMF metrics', async () => {
    const handler = await coldStart({
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      RECOMMEND_CACHE_TTL_SECONDS: '120',
    });
    const feed = {
      sequenceNumber: '1',
      partitionKey: 'c1',
      data: JSON.stringify({
        items: [
          {
            kind: 'event',
            channelId: 'c1',
            streamId: 'channel-c1',
            eventType: 'LIVE_STARTED',
            sourceType: 'LiveStarted',
            version: 1,
            occurredAt: 1,
            data: { startedAt: 1 },
          },
        ],
      }),
    };
    expect((await handler(kinesisEvent([feed], FEED_STREAM_ARN))).batchItemFailures).toEqual([]);
    const stdout = captureStdout();
    let response;
    try {
      response = await handler(kinesisEvent([requestRecord(1, 'alice', 3), rawRecord(2, '{"userId":"bob"}')]));
    } finally {
      stdout.restore();
    }
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: rawRecord(2, '').sequenceNumber }]);
    const cached = JSON.parse((await redis.client.get('rec:user:alice:top3')) ?? 'null');
    expect(cached.recommendations.map((r: { channelId: string }) => r.channelId)).toEqual(['c1']);
    expect(await redis.client.ttl('rec:user:alice:top3')).toBeGreaterThan(100);
    const emf = stdout.lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    expect(emf.find((m) => m.CacheStatus === 'Miss')?.RecommendationLatency).toBeDefined();
    expect(emf.find((m) => 'CacheHit' in m)).toMatchObject({ CacheHit: 0, RecordsRejected: 1 });
  });

  it('falls back to per-instance memory without REDIS_URL, and says so', async () => {
    const stdout = captureStdout();
    let handler;
    try {
      handler = await coldStart({ LOG_LEVEL: 'WARN' });
    } finally {
      stdout.restore();
    }
    expect(stdout.lines.join('')).toMatch(/REDIS_URL is not set/);
    expect((await handler(kinesisEvent([requestRecord(1, 'alice', 3)]))).batchItemFailures).toEqual([]);
  });

  it('fails the cold start naming a malformed variable', async () => {
    await expect(coldStart({ RECOMMEND_CACHE_TTL_SECONDS: 'an hour' })).rejects.toThrow(/RECOMMEND_CACHE_TTL_SECONDS/);
  });
});
