import type { RateDecision } from '../ports/rate-limiter.port.js';

/** One limiter's policy: a burst of `capacity` tokens, refilled continuously at `refillPerSecond`. */
export interface TokenBucketPolicy {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** A key's bucket as stored: tokens left at time `at` (epoch ms). */
export interface TokenBucketState {
  readonly tokens: number;
  readonly at: number;
}

/** A cost above the capacity, or a bucket that never refills, is told to wait this long. */
export const NEVER_RETRY_AFTER_MS = 60_000;

export const assertTokenBucketPolicy = (policy: TokenBucketPolicy): void => {
  if (!(policy.capacity > 0) || !(policy.refillPerSecond >= 0))
    throw new RangeError('capacity must be > 0 and refillPerSecond ≥ 0');
};

/**
 * The token-bucket rule, shared by the in-memory limiter and the DynamoDB one so both admit
 * exactly the same requests: refill lazily from the elapsed time (never negative, so a clock a
 * little behind another instance's does not drain the bucket), take `cost` if it is there.
 * `next` is the state to store; a refusal changes nothing that matters (refill is continuous),
 * so a shared store need not write it.
 */
export const takeTokens = (
  policy: TokenBucketPolicy,
  stored: TokenBucketState | null,
  now: number,
  cost: number,
): { readonly decision: RateDecision; readonly next: TokenBucketState } => {
  const state = stored ?? { tokens: policy.capacity, at: now };
  const elapsedMs = Math.max(0, now - state.at);
  const refilled = Math.min(policy.capacity, state.tokens + (elapsedMs / 1000) * policy.refillPerSecond);
  const at = Math.max(now, state.at);
  if (refilled >= cost) return { decision: { allowed: true, retryAfterMs: 0 }, next: { tokens: refilled - cost, at } };
  const missing = Math.min(cost, policy.capacity) - refilled;
  const retryAfterMs =
    cost > policy.capacity || policy.refillPerSecond === 0
      ? NEVER_RETRY_AFTER_MS
      : Math.max(1, Math.ceil((missing / policy.refillPerSecond) * 1000));
  return { decision: { allowed: false, retryAfterMs }, next: { tokens: refilled, at } };
};

/** How long until a bucket left with `tokens` is full again (for a store's expiry). */
export const msUntilFull = (policy: TokenBucketPolicy, tokens: number): number =>
  policy.refillPerSecond > 0
    ? Math.ceil(((policy.capacity - tokens) / policy.refillPerSecond) * 1000)
    : Number.POSITIVE_INFINITY;
