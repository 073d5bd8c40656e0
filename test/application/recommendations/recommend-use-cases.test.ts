import { describe, expect, it } from 'vitest';
import { FakeClock, SequentialIds } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryRecommendationCache } from '../../../src/adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { InMemoryRecommendationMetrics } from '../../../src/adapters/in-memory/recommendation-metrics-adapter-in-memory.js';
import { InMemoryRecommendationModelStore } from '../../../src/adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { InMemoryRecommendationRequestStream } from '../../../src/adapters/in-memory/recommendation-request-publisher-adapter-in-memory.js';
import {
  ModelRevisionConflictError,
  type RecommendationModelStore,
} from '../../../src/application/ports/recommendation-model-store.port.js';
import type { Recommender } from '../../../src/application/ports/recommender.port.js';
import { ModelRecommender } from '../../../src/application/recommendations/model-recommender.js';
import {
  ProjectionConflictError,
  ProjectRecommendationFacts,
} from '../../../src/application/recommendations/project-recommendation-facts.js';
import { RequestRecommendations } from '../../../src/application/recommendations/request-recommendations.js';
import { ServeRecommendations } from '../../../src/application/recommendations/serve-recommendations.js';
import type { RecommendationFact } from '../../../src/domain/recommendation/index.js';

const live = (channelId: string, viewers: number, seq = 1): RecommendationFact[] => [
  { type: 'LIVE_STARTED', position: { stream: `channel-${channelId}`, seq: String(seq) }, channelId, at: 1 },
  {
    type: 'VIEWERS_COUNTED',
    position: { stream: `channel-${channelId}`, seq: String(seq + 1) },
    channelId,
    count: viewers,
    asOf: 2,
  },
];

describe('ServeRecommendations', () => {
  const setup = () => {
    const clock = new FakeClock(1_000);
    let computed = 0;
    const recommender: Recommender = {
      recommend: async (userId, topN) => {
        computed++;
        await Promise.resolve();
        return [
          { channelId: `for-${userId}`, title: null, score: topN, viewers: 0, reason: 'POPULAR', productIds: [] },
        ];
      },
    };
    const cache = new InMemoryRecommendationCache({ clock });
    const metrics = new InMemoryRecommendationMetrics();
    return {
      serve: new ServeRecommendations({ cache, recommender, clock, metrics }),
      cache,
      metrics,
      computed: () => computed,
    };
  };

  it('computes concurrent misses for one key once, and caches the answer', async () => {
    const { serve, cache, computed } = setup();
    const answers = await Promise.all([1, 2, 3].map(() => serve.serve('alice', 5, 'STREAM')));
    expect(computed()).toBe(1);
    expect(new Set(answers.map((a) => JSON.stringify(a.recommendations))).size).toBe(1);
    expect(await cache.get('alice', 5)).not.toBeNull();
    expect((await serve.serve('alice', 5, 'HTTP')).fromCache).toBe(true);
    expect(computed()).toBe(1);
  });

  it('computes directly without touching the cache for the internal path', async () => {
    const { serve, cache } = setup();
    await serve.compute('bob', 3);
    expect(await cache.get('bob', 3)).toBeNull();
  });

  it('tags latency by hit and miss', async () => {
    const { serve, metrics } = setup();
    await serve.serve('a', 1, 'HTTP');
    await serve.serve('a', 1, 'HTTP');
    expect(metrics.snapshot().http).toEqual({ hits: 1, misses: 1 });
    expect(metrics.hitRate('HTTP')).toBe(0.5);
  });
});

describe('ModelRecommender', () => {
  it('reads the live channels once per TTL and sees new ones after it', async () => {
    const store = new InMemoryRecommendationModelStore();
    let reads = 0;
    const counting: RecommendationModelStore = { ...bind(store), liveChannels: () => (reads++, store.liveChannels()) };
    const clock = new FakeClock(0);
    const recommender = new ModelRecommender(counting, clock, { liveChannelsTtlMs: 1_000 });
    const project = new ProjectRecommendationFacts(store);
    await project.project(live('c1', 10));
    await Promise.all([recommender.recommend('u', 5), recommender.recommend('v', 5)]);
    await project.project(live('c2', 99));
    expect((await recommender.recommend('u', 5)).map((r) => r.channelId)).toEqual(['c1']);
    clock.advance(1_000);
    expect((await recommender.recommend('u', 5)).map((r) => r.channelId)).toEqual(['c2', 'c1']);
    expect(reads).toBe(2);
  });
});

describe('ProjectRecommendationFacts', () => {
  it('reloads and re-applies when another writer saved first, without double counting', async () => {
    const store = new InMemoryRecommendationModelStore();
    const project = new ProjectRecommendationFacts(store);
    await project.project(live('c1', 10));
    let interfere = true;
    const racing: RecommendationModelStore = {
      ...bind(store),
      saveTaste: async (doc, revision) => {
        if (interfere) {
          interfere = false;
          // Another shard's batch lands first: same user, a bid in another auction.
          await new ProjectRecommendationFacts(store).project([
            {
              type: 'BID_PLACED',
              position: { stream: 'auction-a2', seq: '1' },
              channelId: 'c2',
              auctionId: 'a2',
              bidderId: 'u1',
              at: 5,
            },
          ]);
        }
        return store.saveTaste(doc, revision);
      },
    };
    const bid: RecommendationFact = {
      type: 'BID_PLACED',
      position: { stream: 'auction-a1', seq: '1' },
      channelId: 'c1',
      auctionId: 'a1',
      bidderId: 'u1',
      at: 5,
    };
    const summary = await new ProjectRecommendationFacts(racing).project([bid, bid]);
    expect(summary.conflicts).toBe(1);
    expect((await store.taste('u1'))?.doc.channels).toEqual({ c1: 1, c2: 1 });
  });

  it('gives up with ProjectionConflictError after its attempts', async () => {
    const store = new InMemoryRecommendationModelStore();
    const always: RecommendationModelStore = {
      ...bind(store),
      saveChannel: async (doc, r) => Promise.reject(new ModelRevisionConflictError(`channel:${doc.channelId}`, r)),
    };
    await expect(new ProjectRecommendationFacts(always, 3).project(live('c1', 1))).rejects.toBeInstanceOf(
      ProjectionConflictError,
    );
  });
});

describe('RequestRecommendations', () => {
  it('publishes a request with a new id and the current time, partitioned by user', async () => {
    const clock = new FakeClock(42);
    const stream = new InMemoryRecommendationRequestStream({ clock });
    const request = await new RequestRecommendations(stream, clock, new SequentialIds('req')).request('alice', 7);
    expect(request).toEqual({ userId: 'alice', topN: 7, requestId: 'req-1', timestamp: 42 });
    const shard = stream.shardOf('alice');
    // On the stream in the canonical (design) names.
    expect(stream.read(shard, 0, 10).map((r) => JSON.parse(r.data))).toEqual([
      { user_id: 'alice', top_n: 7, request_id: 'req-1', timestamp: 42 },
    ]);
  });
});

function bind(store: InMemoryRecommendationModelStore): RecommendationModelStore {
  return {
    channels: (ids) => store.channels(ids),
    liveChannels: () => store.liveChannels(),
    saveChannel: (doc, r) => store.saveChannel(doc, r),
    taste: (u) => store.taste(u),
    saveTaste: (doc, r) => store.saveTaste(doc, r),
  };
}
