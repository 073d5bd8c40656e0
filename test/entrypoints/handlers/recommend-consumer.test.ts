import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryRecommendationCache } from '../../../src/adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import {
  RecommendationCacheError,
  type RecommendationCache,
} from '../../../src/application/ports/recommendation-cache.port.js';
import { ServeRecommendations } from '../../../src/application/recommendations/serve-recommendations.js';
import { makeRecommendConsumerHandler } from '../../../src/entrypoints/handlers/recommend-consumer.js';
import {
  kinesisEvent,
  rawRecord,
  recommendWorld,
  recordingLogger,
  requestRecord,
  FEED_STREAM_ARN,
  type RawRecord,
} from './recommend-world.js';

const failedIds = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier);

describe('recommend-consumer: request stream', () => {
  it('computes, caches with the TTL, and then answers duplicates from the cache', async () => {
    const world = await recommendWorld();
    const response = await world.handler(kinesisEvent([requestRecord(1, 'alice', 3), requestRecord(2, 'bob', 2)]));
    expect(failedIds(response)).toEqual([]);
    const alice = await world.cache.get('alice', 3);
    expect(alice?.recommendations.map((r) => r.channelId)).toEqual(['quiet', 'mega', 'mid']);
    expect((await world.cache.get('bob', 2))?.recommendations.map((r) => r.channelId)).toEqual(['mega', 'mid']);
    await world.handler(kinesisEvent([requestRecord(3, 'alice', 3)]));
    expect(world.metrics.snapshot().stream).toEqual({ hits: 1, misses: 2 });
  });

  it('gives unknown users popularity-only results and known users their history blend', async () => {
    const world = await recommendWorld();
    await world.handler(kinesisEvent([requestRecord(1, 'stranger', 4), requestRecord(2, 'alice', 4)]));
    const stranger = (await world.cache.get('stranger', 4))?.recommendations ?? [];
    // quiet's three recent bids outweigh niche's larger audience.
    expect(stranger.map((r) => r.channelId)).toEqual(['mega', 'mid', 'quiet', 'niche']);
    expect(stranger.every((r) => r.reason === 'POPULAR')).toBe(true);
    const alice = (await world.cache.get('alice', 4))?.recommendations ?? [];
    expect(alice.filter((r) => r.reason === 'FOR_YOU').map((r) => r.channelId)).toEqual(['quiet', 'niche']);
  });

  it('reports malformed records as failed batch items by sequence number, and serves the rest', async () => {
    const world = await recommendWorld();
    const bad: RawRecord[] = [
      rawRecord(2, 'not json at all'),
      rawRecord(3, JSON.stringify({ userId: 'bob', topN: 0, requestId: 'r3', timestamp: 1 })),
      rawRecord(4, JSON.stringify({ topN: 5, requestId: 'r4', timestamp: 1 })),
      rawRecord(5, JSON.stringify({ userId: 'bob', topN: 51, requestId: 'r5', timestamp: 1 })),
    ];
    const response = await world.handler(
      kinesisEvent([requestRecord(1, 'alice', 2), ...bad, requestRecord(6, 'carol', 1)]),
    );
    expect(failedIds(response)).toEqual(bad.map((r) => r.sequenceNumber));
    expect(await world.cache.get('alice', 2)).not.toBeNull();
    expect(await world.cache.get('carol', 1)).not.toBeNull();
    const warnings = world.logger.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(4);
    // Named by the canonical field, whichever spelling the record used.
    expect(JSON.stringify(warnings.map((w) => w.extra))).toMatch(/top_n/);
    expect(world.metrics.snapshot().rejected).toBe(4);
  });

  it('reports every record failed (without throwing) when the whole batch is malformed', async () => {
    const world = await recommendWorld();
    const response = await world.handler(kinesisEvent([rawRecord(1, '{}'), rawRecord(2, '[]')]));
    expect(failedIds(response)).toHaveLength(2);
  });

  it('fails only the records whose cache write failed, so Lambda retries them', async () => {
    const world = await recommendWorld();
    const inner = new InMemoryRecommendationCache({ clock: world.clock });
    const flaky: RecommendationCache = {
      get: (u, n) => inner.get(u, n),
      put: async (entry) => {
        if (entry.userId === 'bob') throw new RecommendationCacheError('SET rec:user:bob:top10 failed: ECONNRESET');
        return inner.put(entry);
      },
    };
    const logger = recordingLogger();
    const serve = new ServeRecommendations({
      cache: flaky,
      recommender: world.recommender,
      clock: world.clock,
      metrics: world.metrics,
    });
    const handler = makeRecommendConsumerHandler({ ...world, serve, logger, isFeedStream: () => false });
    const response = await handler(
      kinesisEvent([requestRecord(1, 'alice'), requestRecord(2, 'bob'), requestRecord(3, 'carol')]),
    );
    expect(failedIds(response)).toEqual([requestRecord(2, 'bob').sequenceNumber]);
    expect(logger.lines.find((l) => l.level === 'error')?.message).toMatch(/retries/);
    expect(world.metrics.snapshot().rejected).toBe(0);
  });

  it('reports how far behind the stream the batch is', async () => {
    const world = await recommendWorld();
    await world.handler(
      kinesisEvent([{ ...requestRecord(1, 'alice'), arrivedAt: world.clock.now() - 4_000 }, requestRecord(2, 'bob')]),
    );
    expect(world.metrics.snapshot().maxConsumerLagMs).toBe(4_000);
  });

  it('answers the same whatever the batch boundaries and duplicate records', async () => {
    const good = fc.record({
      kind: fc.constant('ok' as const),
      user: fc.constantFrom('alice', 'bob', 'carol', 'dave'),
      topN: fc.integer({ min: 1, max: 4 }),
    });
    const bad = fc.record({
      kind: fc.constant('bad' as const),
      data: fc.constantFrom(
        'nope',
        '',
        '{"userId":"x"}',
        '{"userId":"x","topN":99,"requestId":"r","timestamp":1}',
        '"a string"',
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: bad }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 15 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (specs, duplicates, cuts, concurrent) => {
          const records = specs.map((s, i) =>
            s.kind === 'ok' ? requestRecord(i + 1, s.user, s.topN) : rawRecord(i + 1, s.data),
          );
          const badIds = new Set(records.filter((_, i) => specs[i]?.kind === 'bad').map((r) => r.sequenceNumber));

          const run = async (batches: readonly RawRecord[][], parallel: boolean) => {
            const world = await recommendWorld();
            const answers = new Map<string, Set<string>>();
            const serve = {
              serve: async (userId: string, topN: number) => {
                const served = await world.serve.serve(userId, topN, 'STREAM');
                const key = `${userId}/${topN}`;
                answers.set(key, (answers.get(key) ?? new Set()).add(JSON.stringify(served.recommendations)));
                return served;
              },
            };
            const handler = makeRecommendConsumerHandler({ ...world, serve, isFeedStream: () => false });
            const responses = parallel
              ? await Promise.all(batches.map((b) => handler(kinesisEvent(b))))
              : await batches.reduce(
                  async (acc, b) => [...(await acc), await handler(kinesisEvent(b))],
                  Promise.resolve([] as Awaited<ReturnType<typeof handler>>[]),
                );
            const cached = new Map<string, unknown>();
            for (const s of specs)
              if (s.kind === 'ok') cached.set(`${s.user}/${s.topN}`, await world.cache.get(s.user, s.topN));
            return { answers, cached, failed: new Set(responses.flatMap(failedIds)) };
          };

          const reference = await run([records], false);
          const delivered = [...records];
          for (const [which, where] of duplicates)
            delivered.splice(where % (delivered.length + 1), 0, records[which % records.length] as RawRecord);
          const batches: RawRecord[][] = [];
          for (let at = 0, c = 0; at < delivered.length; c++) {
            const size = cuts[c % cuts.length] as number;
            batches.push(delivered.slice(at, at + size));
            at += size;
          }
          const actual = await run(batches, concurrent);

          expect(actual.failed).toEqual(badIds);
          expect(actual.cached).toEqual(reference.cached);
          for (const [key, variants] of actual.answers) {
            expect(variants.size, `one answer for ${key}`).toBe(1);
            expect(variants).toEqual(reference.answers.get(key));
          }
          expect([...actual.answers.keys()].sort()).toEqual([...reference.answers.keys()].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('recommend-consumer: live feed stream', () => {
  const feedRecord = (seq: number, items: unknown[]): RawRecord => ({
    sequenceNumber: String(seq).padStart(21, '0'),
    partitionKey: 'fresh',
    data: JSON.stringify({ items }),
  });
  const liveItems = [
    {
      kind: 'event',
      channelId: 'fresh',
      streamId: 'channel-fresh',
      eventType: 'CHANNEL_SCHEDULED',
      sourceType: 'ChannelScheduled',
      version: 1,
      occurredAt: 1,
      data: { channelId: 'fresh', sellerId: 's', title: 'Fresh drop', currency: 'KRW', scheduledAt: 1 },
    },
    {
      kind: 'event',
      channelId: 'fresh',
      streamId: 'channel-fresh',
      eventType: 'LIVE_STARTED',
      sourceType: 'LiveStarted',
      version: 2,
      occurredAt: 2,
      data: { startedAt: 2 },
    },
    {
      kind: 'event',
      channelId: 'fresh',
      streamId: 'channel-fresh',
      eventType: 'VIEWER_COUNT_CHANGED',
      sourceType: 'ViewerCountChanged',
      version: 3,
      occurredAt: 3,
      data: { count: 50_000, asOf: 3 },
    },
  ];

  it('projects feed batches into the model, so the next request ranks the new channel', async () => {
    const world = await recommendWorld();
    const response = await world.handler(
      kinesisEvent([feedRecord(1, liveItems.slice(0, 2)), feedRecord(2, liveItems.slice(2))], FEED_STREAM_ARN),
    );
    expect(failedIds(response)).toEqual([]);
    world.clock.advance(5_000);
    await world.handler(kinesisEvent([requestRecord(9, 'stranger', 1)]));
    expect((await world.cache.get('stranger', 1))?.recommendations[0]).toMatchObject({
      channelId: 'fresh',
      title: 'Fresh drop',
      viewers: 50_000,
    });
  });

  it('counts likes once even when the same records come again', async () => {
    const world = await recommendWorld();
    const likes = (n: number) =>
      feedRecord(100 + n, [
        { kind: 'signal', signal: 'LIKES', channelId: 'niche', count: 400, at: 1_700_000_000_000 - 1_000 },
      ]);
    const batch = kinesisEvent([likes(1), likes(2)], FEED_STREAM_ARN);
    await world.handler(batch);
    const once = (await world.store.channels(['niche'])).get('niche')?.doc.likes;
    await world.handler(batch);
    expect((await world.store.channels(['niche'])).get('niche')?.doc.likes).toEqual(once);
    expect(once?.reduce((n, [, c]) => n + c, 0)).toBe(800);
  });

  it('stops at a record that is not feed data: facts before it are kept, Lambda resumes at it', async () => {
    const world = await recommendWorld();
    const broken = {
      sequenceNumber: '000000000000000000002',
      partitionKey: 'fresh',
      data: '{"items":[{"kind":"event"}]}',
    };
    const response = await world.handler(
      kinesisEvent([feedRecord(1, liveItems), broken, feedRecord(3, liveItems)], FEED_STREAM_ARN),
    );
    expect(failedIds(response)).toEqual([broken.sequenceNumber]);
    expect((await world.store.channels(['fresh'])).get('fresh')?.doc.live).toBe(true);
    expect(world.logger.lines.find((l) => l.level === 'error')?.message).toMatch(/not feed data/);
  });
});
