import type { Clock } from '../../application/ports/clock.port.js';
import type { RateDecision, RateLimiter } from '../../application/ports/rate-limiter.port.js';
import { assertTokenBucketPolicy, takeTokens, type TokenBucketState } from '../../application/abuse/token-bucket.js';

export interface TokenBucketOptions {
  /** Burst size: tokens a fresh or rested key holds. */
  readonly capacity: number;
  /** Tokens added per second, up to `capacity`. */
  readonly refillPerSecond: number;
  readonly clock: Clock;
  /** Keys kept at most; the least recently used is forgotten first (a forgotten key starts full). */
  readonly maxKeys?: number;
}

/** A token bucket per key, refilled lazily from the clock on each acquire (the rule: `takeTokens`). */
export class InMemoryTokenBucket implements RateLimiter {
  private readonly buckets = new Map<string, TokenBucketState>();

  constructor(private readonly options: TokenBucketOptions) {
    assertTokenBucketPolicy(options);
  }

  async tryAcquire(key: string, cost = 1): Promise<boolean> {
    return (await this.acquire(key, cost)).allowed;
  }

  async acquire(key: string, cost = 1): Promise<RateDecision> {
    const { decision, next } = takeTokens(this.options, this.buckets.get(key) ?? null, this.options.clock.now(), cost);
    this.buckets.delete(key);
    this.buckets.set(key, next);
    if (this.buckets.size > (this.options.maxKeys ?? 100_000))
      this.buckets.delete(this.buckets.keys().next().value as string);
    return decision;
  }

  async release(key: string): Promise<void> {
    this.buckets.delete(key);
  }
}
