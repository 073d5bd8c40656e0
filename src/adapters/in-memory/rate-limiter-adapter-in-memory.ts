import type { Clock } from '../../application/ports/clock.port.js';
import type { RateDecision, RateLimiter } from '../../application/ports/rate-limiter.port.js';

export interface TokenBucketOptions {
  /** Burst size: tokens a fresh or rested key holds. */
  readonly capacity: number;
  /** Tokens added per second, up to `capacity`. */
  readonly refillPerSecond: number;
  readonly clock: Clock;
  /** Keys kept at most; the least recently used is forgotten first (a forgotten key starts full). */
  readonly maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per key, refilled lazily from the clock on each acquire. */
export class InMemoryTokenBucket implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.capacity > 0) || !(options.refillPerSecond >= 0)) throw new RangeError('capacity must be > 0 and refillPerSecond ≥ 0');
  }

  async tryAcquire(key: string, cost = 1): Promise<boolean> {
    return (await this.acquire(key, cost)).allowed;
  }

  async acquire(key: string, cost = 1): Promise<RateDecision> {
    const now = this.options.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.capacity, at: now };
    const refilled = Math.min(this.options.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.options.refillPerSecond);
    const allowed = refilled >= cost;
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: allowed ? refilled - cost : refilled, at: now });
    if (this.buckets.size > (this.options.maxKeys ?? 100_000)) this.buckets.delete(this.buckets.keys().next().value as string);
    if (allowed) return { allowed, retryAfterMs: 0 };
    // A cost above the capacity can never be admitted; say so with the longest sensible wait.
    const missing = Math.min(cost, this.options.capacity) - refilled;
    const retryAfterMs = this.options.refillPerSecond > 0 ? Math.max(1, Math.ceil((missing / this.options.refillPerSecond) * 1000)) : 60_000;
    return { allowed, retryAfterMs };
  }

  async release(key: string): Promise<void> {
    this.buckets.delete(key);
  }
}
