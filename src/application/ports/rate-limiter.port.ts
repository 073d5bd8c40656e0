/**
 * Admission control per key (a connection, a user): a token bucket in the in-memory adapter,
 * a conditional counter in a shared store when several instances must agree. One limiter
 * instance is one policy (capacity and refill rate); use one instance per policy.
 */
export interface RateLimiter {
  /** Takes `cost` tokens (default 1) from `key`'s bucket; false (and nothing taken) when there are not enough. */
  tryAcquire(key: string, cost?: number): Promise<boolean>;
  /** Forgets a key (the connection closed), so its bucket does not linger. */
  release(key: string): Promise<void>;
  /**
   * Like `tryAcquire`, and also says how long until `cost` tokens will be there (0 when
   * admitted), so a refused client can be told when to retry. Optional: callers fall back to
   * `tryAcquire` and a default wait for limiters that cannot tell.
   */
  acquire?(key: string, cost?: number): Promise<RateDecision>;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** Milliseconds until the request would be admitted; 0 when it was. */
  readonly retryAfterMs: number;
}
