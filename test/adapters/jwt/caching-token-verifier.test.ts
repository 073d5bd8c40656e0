import { beforeAll, describe, expect, it } from 'vitest';
import { CachingTokenVerifier } from '../../../src/adapters/jwt/caching-token-verifier.js';
import { JoseTokenVerifier } from '../../../src/adapters/jwt/token-verifier-adapter-jose.js';
import { DevTokenIssuer } from '../../../src/adapters/local/dev-token-issuer.js';
import {
  InvalidTokenError,
  type TokenVerifier,
  type VerifiedToken,
} from '../../../src/application/ports/token-verifier.port.js';
import { EXPECTED_PROBLEM, forgedTokens, type ForgedTokens } from '../../support/forged-tokens.js';

const START = 1_800_000_000_000;

/** The real jose verifier on a clock the test moves, counting the calls that reach it. */
class CountingVerifier implements TokenVerifier {
  calls = 0;
  constructor(private readonly inner: TokenVerifier) {}
  verify(token: string): Promise<VerifiedToken> {
    this.calls++;
    return this.inner.verify(token);
  }
}

const problemOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ACCEPTED',
    (error: unknown) => (error instanceof InvalidTokenError ? error.problem : String(error)),
  );

describe('CachingTokenVerifier', () => {
  let issuer: DevTokenIssuer;
  let tokens: ForgedTokens;
  beforeAll(async () => {
    issuer = await DevTokenIssuer.create();
    tokens = await forgedTokens(issuer, START);
  });

  const setUp = (options: { maxEntries?: number; maxAgeMs?: number } = {}) => {
    const clock = { now: START };
    const inner = new CountingVerifier(
      new JoseTokenVerifier({
        issuer: issuer.issuer,
        audience: issuer.audience,
        keys: issuer.publicKeys(),
        now: () => clock.now,
      }),
    );
    const cached = new CachingTokenVerifier(inner, { ...options, now: () => clock.now });
    return { clock, inner, cached };
  };

  it('verifies a token once and answers the same verdict from then on', async () => {
    const { inner, cached } = setUp();
    const first = await cached.verify(tokens.valid);
    for (let i = 0; i < 5; i++) expect(await cached.verify(tokens.valid)).toEqual(first);
    expect(first.subject).toBe('alice');
    expect(inner.calls).toBe(1);
    expect(cached.stats()).toEqual({ hits: 5, misses: 1, size: 1 });
  });

  it.each(Object.entries(EXPECTED_PROBLEM))(
    'refuses a %s token as %s every time, even after the genuine token is kept',
    async (kind, problem) => {
      const { inner, cached } = setUp();
      await cached.verify(tokens.valid);
      for (let i = 0; i < 2; i++)
        expect(await problemOf(cached.verify(tokens[kind as keyof ForgedTokens]))).toBe(problem);
      // Refusals are never kept: each one reached the real verifier.
      expect(inner.calls).toBe(3);
    },
  );

  it('never extends a token past its exp: once expired, it is verified again and refused', async () => {
    const { clock, inner, cached } = setUp({ maxAgeMs: 24 * 3_600_000 });
    const { expiresAt } = await cached.verify(tokens.valid);
    clock.now = expiresAt * 1000 - 1;
    expect(await problemOf(cached.verify(tokens.valid))).toBe('ACCEPTED');
    expect(inner.calls).toBe(1);
    // Past exp and the verifier's 5 s of clock tolerance.
    clock.now = expiresAt * 1000 + 10_000;
    expect(await problemOf(cached.verify(tokens.valid))).toBe('EXPIRED');
    expect(inner.calls).toBe(2);
  });

  it('verifies again after maxAgeMs, so a withdrawn key stops being honoured', async () => {
    const { clock, inner, cached } = setUp({ maxAgeMs: 60_000 });
    await cached.verify(tokens.valid);
    clock.now += 59_999;
    await cached.verify(tokens.valid);
    expect(inner.calls).toBe(1);
    clock.now += 1;
    await cached.verify(tokens.valid);
    expect(inner.calls).toBe(2);
  });

  it('keeps at most maxEntries tokens and drops the least recently used', async () => {
    const { inner, cached } = setUp({ maxEntries: 2 });
    const token = async (user: string) => (await issuer.issue(user, { now: START, ttlSeconds: 3_600 })).token;
    const [a, b, c] = [await token('a'), await token('b'), await token('c')];
    await cached.verify(a);
    await cached.verify(b);
    await cached.verify(a); // a is now the most recently used
    await cached.verify(c); // evicts b
    expect(inner.calls).toBe(3);
    await cached.verify(a);
    expect(inner.calls).toBe(3);
    await cached.verify(b);
    expect(inner.calls).toBe(4);
    expect(cached.stats().size).toBe(2);
  });
});
