import { describe, expect, it } from 'vitest';
import type { ConnectionQuota } from '../../src/application/ports/connection-quota.port.js';

const HOUR = 3_600_000;

/** What every ConnectionQuota must do; `make` returns a fresh, empty quota. */
export const connectionQuotaContract = (name: string, make: () => ConnectionQuota): void => {
  describe(`ConnectionQuota contract: ${name}`, () => {
    const user = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
    const now = Date.now();

    it('admits up to max connections per user, then refuses, and frees a slot when one closes', async () => {
      const q = make();
      const alice = user('alice');
      for (let i = 0; i < 3; i++) expect(await q.tryOpen(alice, `${alice}-c${i}`, 3, now)).toBe(true);
      expect(await q.tryOpen(alice, `${alice}-c3`, 3, now)).toBe(false);
      expect(await q.tryOpen(user('bob'), `${alice}-other`, 3, now)).toBe(true);
      await q.close(`${alice}-c1`);
      expect(await q.tryOpen(alice, `${alice}-c3`, 3, now)).toBe(true);
      expect(await q.tryOpen(alice, `${alice}-c4`, 3, now)).toBe(false);
    });

    it('admits a repeated open of the same connection, and ignores closing unknown ones', async () => {
      const q = make();
      const carol = user('carol');
      expect(await q.tryOpen(carol, `${carol}-c0`, 1, now)).toBe(true);
      expect(await q.tryOpen(carol, `${carol}-c0`, 1, now)).toBe(true);
      await q.close('never-opened');
      await q.close(`${carol}-c0`);
      await q.close(`${carol}-c0`);
      expect(await q.tryOpen(carol, `${carol}-c1`, 1, now)).toBe(true);
    });

    it('forgets connections older than a connection can live (a lost $disconnect)', async () => {
      const q = make();
      const dave = user('dave');
      expect(await q.tryOpen(dave, `${dave}-old`, 1, now - 3 * HOUR)).toBe(true);
      expect(await q.tryOpen(dave, `${dave}-new`, 1, now)).toBe(true);
      expect(await q.tryOpen(dave, `${dave}-third`, 1, now)).toBe(false);
    });

    it('lets exactly max of many racing opens of one user win', async () => {
      const q = make();
      const erin = user('erin');
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => q.tryOpen(erin, `${erin}-r${i}`, 3, now)));
      expect(results.filter(Boolean)).toHaveLength(3);
    });
  });
};
