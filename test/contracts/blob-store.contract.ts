import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/application/ports/blob-store.port.js';

/** What every BlobStore must do: whole-object puts that later gets read back exactly; absent keys read as null. */
export const blobStoreContract = (label: string, makeStore: () => BlobStore | Promise<BlobStore>): void => {
  describe(`BlobStore contract: ${label}`, () => {
    it('reads back what was put, byte for byte (unicode included)', async () => {
      const store = await makeStore();
      const body = JSON.stringify({ requests: 3, note: 'Ünïcödé ✓ 🚌' });
      await store.put('stats/trip-1.json', body, 'application/json');
      expect(await store.get('stats/trip-1.json')).toBe(body);
    });

    it('reads an absent key as null', async () => {
      const store = await makeStore();
      expect(await store.get('nope/never-written.json')).toBeNull();
    });

    it('replaces an object whole on a second put', async () => {
      const store = await makeStore();
      await store.put('k.json', '{"v":1,"long":"' + 'x'.repeat(1000) + '"}', 'application/json');
      await store.put('k.json', '{"v":2}', 'application/json');
      expect(await store.get('k.json')).toBe('{"v":2}');
    });

    it('keeps large bodies (over the SQS limit) intact', async () => {
      const store = await makeStore();
      const body = 'y'.repeat(1_500_000);
      await store.put('offload/big', body, 'application/json');
      expect(await store.get('offload/big')).toBe(body);
    });

    it('keeps an empty body apart from an absent object', async () => {
      const store = await makeStore();
      await store.put('empty.txt', '', 'text/plain');
      expect(await store.get('empty.txt')).toBe('');
    });
  });
};
