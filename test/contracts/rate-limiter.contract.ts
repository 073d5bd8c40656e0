import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import type { TokenBucketPolicy } from '../../src/application/abuse/token-bucket.js';
import type { RateLimiter } from '../../src/application/ports/rate-limiter.port.js';

/** Builds a fresh limiter with `policy` on `clock` (a new, empty set of buckets each call). */
export type MakeRateLimiter = (policy: TokenBucketPolicy, clock: FakeClock) => RateLimiter;

const T0 = Date.UTC(2026, 10, 22, 12);

/**
 * What every RateLimiter must do: a token bucket per key (burst `capacity`, continuous refill),
 * the same decisions in memory and in a shared store, and — the reason to share one — no two
 * concurrent callers spending the same token.
 */
export const rateLimiterContract = (name: string, make: MakeRateLimiter): void => {
  describe(`RateLimiter contract: ${name}`, () => {
    const key = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

    it('admits a burst of `capacity`, refuses the next with the time until a token is back, and refills with time', async () => {
      const clock = new FakeClock(T0);
      const limiter = make({ capacity: 3, refillPerSecond: 2 }, clock);
      const alice = key('alice');
      for (let i = 0; i < 3; i++) expect(await limiter.acquire!(alice)).toEqual({ allowed: true, retryAfterMs: 0 });
      expect(await limiter.acquire!(alice)).toEqual({ allowed: false, retryAfterMs: 500 });
      clock.advance(499);
      expect(await limiter.tryAcquire(alice)).toBe(false);
      clock.advance(1);
      expect(await limiter.tryAcquire(alice)).toBe(true);
      expect(await limiter.tryAcquire(alice)).toBe(false);
      clock.advance(10_000);
      for (let i = 0; i < 3; i++) expect(await limiter.tryAcquire(alice)).toBe(true);
      expect(await limiter.tryAcquire(alice)).toBe(false);
    });

    it('keeps keys apart, takes a cost of several tokens at once, and refuses a cost above the capacity', async () => {
      const clock = new FakeClock(T0);
      const limiter = make({ capacity: 5, refillPerSecond: 1 }, clock);
      const [bob, carol] = [key('bob'), key('carol')];
      expect(await limiter.tryAcquire(bob, 4)).toBe(true);
      expect(await limiter.acquire!(bob, 2)).toEqual({ allowed: false, retryAfterMs: 1_000 });
      expect(await limiter.tryAcquire(bob, 1)).toBe(true);
      expect(await limiter.tryAcquire(carol, 5)).toBe(true);
      expect(await limiter.acquire!(key('dave'), 6)).toEqual({ allowed: false, retryAfterMs: 60_000 });
    });

    it('a bucket that never refills admits its capacity once, and release starts the key afresh', async () => {
      const clock = new FakeClock(T0);
      const limiter = make({ capacity: 2, refillPerSecond: 0 }, clock);
      const erin = key('erin');
      expect(await limiter.tryAcquire(erin)).toBe(true);
      expect(await limiter.tryAcquire(erin)).toBe(true);
      clock.advance(3_600_000);
      expect(await limiter.acquire!(erin)).toEqual({ allowed: false, retryAfterMs: 60_000 });
      await limiter.release(erin);
      await limiter.release(key('never-seen'));
      expect(await limiter.tryAcquire(erin)).toBe(true);
    });

    it('never lets concurrent callers spend the same token: exactly `capacity` of a burst get through', async () => {
      const clock = new FakeClock(T0);
      const limiter = make({ capacity: 4, refillPerSecond: 0.001 }, clock);
      const frank = key('frank');
      const results = await Promise.all(Array.from({ length: 12 }, () => limiter.tryAcquire(frank)));
      expect(results.filter(Boolean)).toHaveLength(4);
    });
  });
};
