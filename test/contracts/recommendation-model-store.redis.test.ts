import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRecommendationModelStore } from '../../src/adapters/redis/recommendation-model-store-adapter-redis.js';
import { emptyChannelPopularity } from '../../src/domain/recommendation/index.js';
import { startRedisForTests, type RedisForTests } from '../support/redis.js';
import { recommendationModelStoreContract } from './recommendation-model-store.contract.js';

let redis: RedisForTests;
beforeAll(async () => {
  redis = await startRedisForTests();
});
afterAll(async () => {
  await redis?.stop();
});

recommendationModelStoreContract(
  'Redis (ioredis + Lua)',
  async () => new RedisRecommendationModelStore(redis.client, { keyPrefix: redis.subPrefix() }),
);

describe('RedisRecommendationModelStore with a corrupt document', () => {
  it('reports it, reads it as empty at its revision, and lets the next save replace it', async () => {
    const keyPrefix = redis.subPrefix();
    const unreadable: string[] = [];
    const store = new RedisRecommendationModelStore(redis.client, {
      keyPrefix,
      onUnreadable: (key) => unreadable.push(key),
    });
    await redis.client.hset(`${keyPrefix}rec:model:{rec-channels}`, 'c1', '4|{"channelId":"c1","live":"yes"}');
    const found = (await store.channels(['c1'])).get('c1');
    expect(found).toEqual({ revision: 4, doc: emptyChannelPopularity('c1') });
    expect(unreadable).toHaveLength(1);
    await store.saveChannel({ ...emptyChannelPopularity('c1'), live: true }, 4);
    expect((await store.liveChannels()).map((c) => c.channelId)).toEqual(['c1']);
  });

  it('treats a value without a revision as revision 0', async () => {
    const keyPrefix = redis.subPrefix();
    const store = new RedisRecommendationModelStore(redis.client, { keyPrefix });
    await redis.client.set(`${keyPrefix}rec:model:user:u1`, 'garbage');
    expect((await store.taste('u1'))?.revision).toBe(0);
    await store.saveTaste({ userId: 'u1', channels: {}, categories: {}, applied: [] }, 0);
    expect((await store.taste('u1'))?.revision).toBe(1);
  });
});
