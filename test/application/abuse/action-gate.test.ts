import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryTokenBucket } from '../../../src/adapters/in-memory/rate-limiter-adapter-in-memory.js';
import { makeActionGate, RateLimitedError } from '../../../src/application/abuse/action-gate.js';

const refusal = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof RateLimitedError ? { scope: e.scope, retryAfterMs: e.retryAfterMs } : e),
  );

describe('action gate', () => {
  it("checks the connection budget before the user budget, so a noisy socket does not starve its user's other tabs", async () => {
    const clock = new FakeClock(0);
    const perConnection = new InMemoryTokenBucket({ capacity: 2, refillPerSecond: 1, clock });
    const perUser = new InMemoryTokenBucket({ capacity: 3, refillPerSecond: 0.5, clock });
    const gate = makeActionGate({ chat: { perConnection, perUser } });
    await gate.admit('chat', { userId: 'u', connectionId: 'noisy' });
    await gate.admit('chat', { userId: 'u', connectionId: 'noisy' });
    for (let i = 0; i < 5; i++) {
      expect(await refusal(gate.admit('chat', { userId: 'u', connectionId: 'noisy' }))).toEqual({
        scope: 'connection',
        retryAfterMs: 1_000,
      });
    }
    // The refusals took nothing from the user: another tab still has the user's last token.
    await gate.admit('chat', { userId: 'u', connectionId: 'quiet' });
    expect(await refusal(gate.admit('chat', { userId: 'u', connectionId: 'quiet' }))).toEqual({
      scope: 'user',
      retryAfterMs: 2_000,
    });
  });

  it('lets actions without limits through, and forgets a closed connection', async () => {
    const clock = new FakeClock(0);
    const perConnection = new InMemoryTokenBucket({ capacity: 1, refillPerSecond: 0, clock });
    const gate = makeActionGate({ like: { perConnection } });
    await gate.admit('bid', { userId: 'u', connectionId: 'c' });
    await gate.admit('like', { connectionId: 'c' });
    expect(await refusal(gate.admit('like', { connectionId: 'c' }))).toEqual({
      scope: 'connection',
      retryAfterMs: 60_000,
    });
    await gate.forget('c');
    await gate.admit('like', { connectionId: 'c' });
  });

  it('tells when a token bucket will admit again', async () => {
    const clock = new FakeClock(0);
    const bucket = new InMemoryTokenBucket({ capacity: 3, refillPerSecond: 2, clock });
    for (let i = 0; i < 3; i++) expect(await bucket.acquire('k')).toEqual({ allowed: true, retryAfterMs: 0 });
    expect(await bucket.acquire('k')).toEqual({ allowed: false, retryAfterMs: 500 });
    clock.advance(250);
    expect(await bucket.acquire('k', 2)).toEqual({ allowed: false, retryAfterMs: 750 });
    clock.advance(750);
    expect((await bucket.acquire('k', 2)).allowed).toBe(true);
  });
});
