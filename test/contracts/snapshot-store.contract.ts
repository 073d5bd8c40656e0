import { describe, expect, it } from 'vitest';
import type { Snapshot, SnapshotStore } from '../../src/application/ports/snapshot-store.port.js';

let counter = 0;
const streamName = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;

const snapshot = (
  streamId: string,
  version: number,
  state: unknown = { version, list: [1, 'two', { three: 3 }], empty: '' },
): Snapshot => ({
  streamId,
  version,
  schemaVersion: 2,
  state,
});

/** What every SnapshotStore must do: keep the newest snapshot per stream, whatever the order of saves. */
export const snapshotStoreContract = (label: string, makeStore: () => SnapshotStore | Promise<SnapshotStore>): void => {
  describe(`SnapshotStore contract: ${label}`, () => {
    it('has no snapshot of an unknown stream', async () => {
      const store = await makeStore();
      expect(await store.load(streamName('none'))).toBeNull();
    });

    it('reads back what it saved, as JSON', async () => {
      const store = await makeStore();
      const id = streamName('roundtrip');
      await store.save(snapshot(id, 7));
      expect(await store.load(id)).toEqual(snapshot(id, 7));
    });

    it('keeps the newest version whatever the order of saves, and keeps streams apart', async () => {
      const store = await makeStore();
      const [a, b] = [streamName('a'), streamName('b')];
      await store.save(snapshot(a, 10));
      await store.save(snapshot(a, 4));
      await store.save(snapshot(a, 10, { stale: true }));
      expect(await store.load(a)).toEqual(snapshot(a, 10));
      await Promise.all([20, 15, 30, 25].map((v) => store.save(snapshot(a, v))));
      expect((await store.load(a))?.version).toBe(30);
      await store.save(snapshot(b, 1));
      expect((await store.load(b))?.version).toBe(1);
    });

    it('stores a state the size of a hot auction (10,000 bids)', async () => {
      const store = await makeStore();
      const id = streamName('large');
      const bids = Array.from({ length: 10_000 }, (_, i) => [`bid-${i}`, `user-${i % 997}`, 1_000 + i * 10]);
      await store.save(snapshot(id, 10_001, { status: 'OPEN', bids }));
      expect(await store.load(id)).toEqual(snapshot(id, 10_001, { status: 'OPEN', bids }));
    });
  });
};
