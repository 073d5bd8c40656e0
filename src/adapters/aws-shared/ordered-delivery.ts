import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { backoff, mapWithConcurrency, type BackoffPolicy } from './backoff.js';

/** What the service said about one entry of a batch call. */
export type EntryOutcome =
  { readonly ok: true } | { readonly ok: false; readonly retryable: boolean; readonly reason: string };

export interface OrderedDeliveryPlan<E> {
  /** Entries in the caller's order; entries sharing a key are delivered in that order. */
  readonly entries: readonly { readonly key: string; readonly entry: E }[];
  /** Splits one round (at most one entry per key) into consecutive runs, in order, each within the service's limits. */
  readonly chunk: (round: readonly E[]) => E[][];
  /** One batch call; returns one outcome per entry, in order. */
  readonly send: (batch: readonly E[]) => Promise<readonly EntryOutcome[]>;
  readonly sleeper: Sleeper;
  readonly policy: BackoffPolicy;
  /** Calls of one round in flight at once. */
  readonly concurrency: number;
}

export interface OrderedDeliveryResult<E> {
  /** Entries not delivered: the failed head of a key and everything queued behind it. */
  readonly undelivered: E[];
  readonly reasons: string[];
}

/**
 * Delivers entries through a batch API that can refuse single entries (Kinesis PutRecords,
 * SQS SendMessageBatch) without ever letting a later entry of a key overtake an earlier one.
 *
 * Why rounds: in one batch call a refused entry does not stop the entries after it, so if
 * entry i of key X is refused and i+1 accepted, X is out of order for good. Each call here
 * therefore carries at most ONE entry per key (the head of its queue); a key advances only when
 * its head was accepted. Refused heads are retried with full-jitter back-off until the policy's
 * attempts run out; then that key's remaining entries are reported undelivered (never sent out
 * of order) while the other keys carry on.
 */
export const deliverInKeyOrder = async <E>(plan: OrderedDeliveryPlan<E>): Promise<OrderedDeliveryResult<E>> => {
  const queues = new Map<string, { entry: E; attempts: number }[]>();
  for (const { key, entry } of plan.entries) {
    const queue = queues.get(key);
    if (queue) queue.push({ entry, attempts: 0 });
    else queues.set(key, [{ entry, attempts: 0 }]);
  }
  const undelivered: E[] = [];
  const reasons = new Set<string>();
  let retry = 0;
  while (queues.size > 0) {
    const heads = [...queues.entries()].map(([key, queue]) => ({ key, head: queue[0]! }));
    // Chunks are built from positions, not entry identity: the same object may be sent twice.
    const batches = chunkPositions(
      heads.map((h) => h.head.entry),
      plan.chunk,
    );
    const outcomes = await mapWithConcurrency(batches, plan.concurrency, async (positions) => {
      const batch = positions.map((p) => heads[p]!.head.entry);
      try {
        return await plan.send(batch);
      } catch (error) {
        // The whole call failed after the SDK's own retries (network, throttling): every entry is refused this round.
        const reason = `${(error as Error).name ?? 'Error'}: ${(error as Error).message}`;
        const retryable = !(error as { $fault?: string }).$fault || isRetryableCallError(error);
        return batch.map((): EntryOutcome => ({ ok: false, retryable, reason }));
      }
    });
    let refused = false;
    batches.forEach((positions, b) =>
      positions.forEach((position, i) => {
        const { key, head } = heads[position]!;
        const outcome = outcomes[b]?.[i] ?? { ok: false, retryable: true, reason: 'no outcome reported' };
        const queue = queues.get(key)!;
        if (outcome.ok) {
          queue.shift();
          if (queue.length === 0) queues.delete(key);
          return;
        }
        refused = true;
        head.attempts++;
        reasons.add(outcome.reason);
        if (!outcome.retryable || head.attempts >= plan.policy.maxAttempts) {
          undelivered.push(...queue.map((q) => q.entry));
          queues.delete(key);
        }
      }),
    );
    if (refused && queues.size > 0) await backoff(plan.sleeper, plan.policy, ++retry);
  }
  return { undelivered, reasons: [...reasons] };
};

const isRetryableCallError = (error: unknown): boolean => {
  const e = error as { $fault?: string; $metadata?: { httpStatusCode?: number }; name?: string };
  if (e.$fault === 'server') return true;
  return (
    e.$metadata?.httpStatusCode === 429 ||
    /Throttl|LimitExceeded|ProvisionedThroughputExceeded|TooManyRequests/.test(e.name ?? '')
  );
};

/** Applies the caller's chunking to positions 0..n-1 (chunks keep order and cover every entry once). */
const chunkPositions = <E>(entries: readonly E[], chunk: (round: readonly E[]) => E[][]): number[][] => {
  const positions: number[][] = [];
  let next = 0;
  for (const batch of chunk(entries)) {
    positions.push(batch.map(() => next++));
  }
  if (next !== entries.length) throw new Error(`chunking lost entries: ${next} of ${entries.length}`);
  return positions;
};
