import {
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { awsErrorName, backoff, type BackoffPolicy } from '../aws-shared/backoff.js';

/**
 * At most ~0.75 s of waiting per transaction: callers run it inside their own race loops
 * (registry, quota, command handler) within a 10 s Lambda, so the budget must stay small.
 */
export const THROTTLED_TRANSACTION_POLICY: BackoffPolicy = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 500 };

/** Cancellation reasons that mean "not now" (capacity), not "your condition failed". */
const CAPACITY_CODES = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/** The per-item cancellation codes of a `TransactionCanceledException` (`None` for an item that was fine); [] for any other error. */
export const cancellationCodes = (error: unknown): string[] =>
  awsErrorName(error) === 'TransactionCanceledException'
    ? ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code ?? 'None')
    : [];

/**
 * The transaction was cancelled because another writer got there first: a condition failed, or
 * a concurrent transaction was writing the same items (TransactionConflict).
 */
export const isLostRace = (error: unknown): boolean =>
  cancellationCodes(error).some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict');

/** The transaction was cancelled only because DynamoDB throttled one of its items: no condition failed, nothing conflicted. */
export const isThrottledCancellation = (error: unknown): boolean => {
  const codes = cancellationCodes(error);
  return codes.some((c) => CAPACITY_CODES.has(c)) && codes.every((c) => c === 'None' || CAPACITY_CODES.has(c));
};

/**
 * TransactWriteItems, retried with full-jitter back-off while DynamoDB cancels it for capacity
 * alone (a hot item: ThrottlingError, ProvisionedThroughputExceeded). Written here because the
 * SDK's retry strategy retries throttling *exceptions*, while a throttled transaction comes back
 * as a `TransactionCanceledException` whose reasons say so — which the SDK does not retry.
 * Conditions that failed and conflicts are the caller's to handle; they are thrown at once.
 */
export const sendTransaction = async (
  client: DynamoDBDocumentClient,
  input: TransactWriteCommandInput,
  options: { readonly sleeper: Sleeper; readonly policy?: BackoffPolicy },
): Promise<void> => {
  const policy = options.policy ?? THROTTLED_TRANSACTION_POLICY;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand(input));
      return;
    } catch (error) {
      if (!isThrottledCancellation(error) || attempt >= policy.maxAttempts) throw error;
      await backoff(options.sleeper, policy, attempt);
    }
  }
};
