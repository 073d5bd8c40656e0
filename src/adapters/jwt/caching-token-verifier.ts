import type { TokenVerifier, VerifiedToken } from '../../application/ports/token-verifier.port.js';

export interface CachingTokenVerifierOptions {
  /** Tokens kept at most; the least recently used goes first. Default 10,000. */
  readonly maxEntries?: number;
  /**
   * How long a verification is trusted at most, even when the token lives longer: a key the
   * issuer withdrew (JWKS rotation after a leak) stops being honoured within this time.
   * Default 10 minutes.
   */
  readonly maxAgeMs?: number;
  /** Longer tokens are verified every time and never kept (bounds the cache's memory). Default 4,096 characters. */
  readonly maxTokenLength?: number;
  /** Epoch milliseconds (tests with a fake clock). */
  readonly now?: () => number;
}

interface Entry {
  readonly verified: VerifiedToken;
  /** Epoch ms after which the entry is verified again: the earlier of `exp` and the max age. */
  readonly until: number;
}

/**
 * A verified-token cache in front of another verifier, keyed by the whole token (a key made of
 * one part, e.g. the signature, would let a changed payload borrow another token's verdict).
 * A client sends the same bearer token with every request for its lifetime, and an RSA
 * signature check costs ~100 µs of CPU on the request path (the booking spike's largest cost
 * before the handler runs); a hit costs a Map lookup. Only successes are kept: a refused token
 * is checked again each time (so a token that was not yet valid is accepted once it is).
 * A kept verdict ends at the token's `exp` — never later — or after `maxAgeMs`.
 *
 * Hand-written rather than a cache library: it is a Map in insertion order with re-insertion on
 * a hit (least recently used first), and the expiry rule is this port's, not a generic TTL.
 */
export class CachingTokenVerifier implements TokenVerifier {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly maxTokenLength: number;
  private readonly now: () => number;
  private readonly counts = { hits: 0, misses: 0 };

  constructor(
    private readonly inner: TokenVerifier,
    options: CachingTokenVerifierOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.maxTokenLength = options.maxTokenLength ?? 4_096;
    this.now = options.now ?? Date.now;
    if (!(this.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  async verify(token: string): Promise<VerifiedToken> {
    const now = this.now();
    const entry = this.entries.get(token);
    if (entry !== undefined) {
      this.entries.delete(token);
      if (now < entry.until) {
        this.entries.set(token, entry);
        this.counts.hits++;
        return entry.verified;
      }
    }
    this.counts.misses++;
    const verified = await this.inner.verify(token);
    const until = Math.min(verified.expiresAt * 1000, now + this.maxAgeMs);
    if (token.length <= this.maxTokenLength && now < until) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      this.entries.set(token, { verified, until });
    }
    return verified;
  }

  /** Hits and misses since start, and how many tokens are kept (tests, status). */
  stats(): { readonly hits: number; readonly misses: number; readonly size: number } {
    return { ...this.counts, size: this.entries.size };
  }
}
