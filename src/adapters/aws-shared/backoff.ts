import type { Sleeper } from '../../application/ports/sleeper.port.js';

/**
 * How the batch adapters retry the entries a service refused (Kinesis `FailedRecordCount`,
 * SQS `Failed`, API Gateway 429s). The SDK's own retry strategy retries whole calls, not the
 * entries a successful call reports as failed, so this loop sits above it.
 */
export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultBackoffPolicy: BackoffPolicy = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 2_000 };

/**
 * "Full jitter" (AWS Architecture Blog, Exponential Backoff And Jitter): a uniform delay in
 * [0, min(cap, base·2^attempt)), which spreads retrying producers best under throttling.
 * `retry` counts from 1 (the first retry).
 */
export const fullJitterDelayMs = (policy: BackoffPolicy, retry: number, random: number): number =>
  Math.floor(random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));

/** Sleeps the full-jitter delay before retry number `retry` (≥ 1). */
export const backoff = (sleeper: Sleeper, policy: BackoffPolicy, retry: number): Promise<void> =>
  sleeper.sleep(fullJitterDelayMs(policy, retry, sleeper.random()));

/** Runs `task` on every item with at most `limit` running at once; resolves with results in input order. */
export const mapWithConcurrency = async <T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
};

/** The error's AWS name (`ConditionalCheckFailedException`, `GoneException`…) or ''. */
export const awsErrorName = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string' ? error.name : '';

/** The HTTP status of an SDK error, if it carries one. */
export const httpStatusOf = (error: unknown): number | undefined => {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
};
