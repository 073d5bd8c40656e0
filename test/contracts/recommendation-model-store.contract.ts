import { beforeEach, describe, expect, it } from 'vitest';
import {
  ModelRevisionConflictError,
  type RecommendationModelStore,
} from '../../src/application/ports/recommendation-model-store.port.js';
import {
  emptyChannelPopularity,
  emptyUserTaste,
  type ChannelPopularity,
} from '../../src/domain/recommendation/index.js';

/** Every RecommendationModelStore adapter passes this. */
export const recommendationModelStoreContract = (adapterName: string, make: () => Promise<RecommendationModelStore>) =>
  describe(`RecommendationModelStore contract: ${adapterName}`, () => {
    let store: RecommendationModelStore;
    beforeEach(async () => {
      store = await make();
    });

    const channel = (id: string, live: boolean, viewers = 0): ChannelPopularity => ({
      ...emptyChannelPopularity(id),
      title: `Live ${id}`,
      live,
      viewers,
      products: [{ productId: `${id}-p`, category: 'tech' }],
      auctions: [['a1', `${id}-p`]],
      bids: [[60_000, 3]],
      applied: [[`channel-${id}`, '3']],
    });

    it('finds nothing before anything is saved', async () => {
      expect((await store.channels(['c1'])).size).toBe(0);
      expect(await store.liveChannels()).toEqual([]);
      expect(await store.taste('u1')).toBeNull();
    });

    it('saves a new channel at revision 0 and reads it back at revision 1', async () => {
      await store.saveChannel(channel('c1', true, 5), 0);
      const found = await store.channels(['c1', 'missing']);
      expect([...found.keys()]).toEqual(['c1']);
      expect(found.get('c1')).toEqual({ revision: 1, doc: channel('c1', true, 5) });
    });

    it('lists exactly the live channels, ordered by id, as of their last save', async () => {
      await store.saveChannel(channel('c2', true), 0);
      await store.saveChannel(channel('c1', true), 0);
      await store.saveChannel(channel('c3', false), 0);
      expect((await store.liveChannels()).map((c) => c.channelId)).toEqual(['c1', 'c2']);
      await store.saveChannel(channel('c2', false), 1);
      await store.saveChannel(channel('c3', true), 1);
      expect((await store.liveChannels()).map((c) => c.channelId)).toEqual(['c1', 'c3']);
    });

    it('refuses a channel save at a stale revision and keeps the newer document', async () => {
      await store.saveChannel(channel('c1', true, 1), 0);
      await store.saveChannel(channel('c1', true, 2), 1);
      await expect(store.saveChannel(channel('c1', false, 99), 1)).rejects.toBeInstanceOf(ModelRevisionConflictError);
      await expect(store.saveChannel(channel('c1', false, 99), 0)).rejects.toBeInstanceOf(ModelRevisionConflictError);
      expect((await store.channels(['c1'])).get('c1')).toEqual({ revision: 2, doc: channel('c1', true, 2) });
      expect((await store.liveChannels()).map((c) => c.viewers)).toEqual([2]);
    });

    it('lets exactly one of two concurrent saves at one revision win', async () => {
      const results = await Promise.allSettled([
        store.saveChannel(channel('c1', true, 1), 0),
        store.saveChannel(channel('c1', true, 2), 0),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(ModelRevisionConflictError);
    });

    it('saves user documents with the same revision check', async () => {
      const taste = {
        ...emptyUserTaste('u1'),
        channels: { c1: 2 },
        categories: { tech: 1 },
        applied: [['auction-a1', '7']] as [string, string][],
      };
      await store.saveTaste(taste, 0);
      expect(await store.taste('u1')).toEqual({ revision: 1, doc: taste });
      await expect(store.saveTaste(emptyUserTaste('u1'), 0)).rejects.toBeInstanceOf(ModelRevisionConflictError);
      await store.saveTaste({ ...taste, channels: { c1: 3 } }, 1);
      expect((await store.taste('u1'))?.doc.channels).toEqual({ c1: 3 });
      expect(await store.taste('u2')).toBeNull();
    });

    it('refuses to store an invalid document', async () => {
      await expect(store.saveChannel({ ...channel('c1', true), viewers: -1 }, 0)).rejects.toThrow();
      expect((await store.channels(['c1'])).size).toBe(0);
    });
  });
