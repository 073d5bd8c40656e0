import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  assertTokenBucketPolicy,
  msUntilFull,
  takeTokens,
  type TokenBucketPolicy,
  type TokenBucketState,
} from '../../application/abuse/token-bucket.js';
import type { Clock } from '../../application/ports/clock.port.js';
import type { RateDecision, RateLimiter } from '../../application/ports/rate-limiter.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { awsErrorName, backoff, type BackoffPolicy } from '../aws-shared/backoff.js';

/** A full bucket needs no item; an item lingers this long after it would be full, then TTL removes it. */
const TTL_MARGIN_SECONDS = 10 * 60;
/** A bucket that never refills is forgotten after a day (the in-memory one, when its key falls out of the LRU). */
const NO_REFILL_TTL_SECONDS = 24 * 3600;

export interface DynamoDbRateLimiterOptions extends TokenBucketPolicy {
  /** The policy's name, part of every key (`rate#<name>#<key>`): one table holds many limiters. */
  readonly name: string;
  readonly clock: Clock;
  readonly sleeper: Sleeper;
  /** Retries when another instance updated the same bucket between our read and write. */
  readonly raceBackoff?: BackoffPolicy;
}

/**
 * A token bucket per key that every Lambda instance shares, on a table keyed `pk`/`sk` (the
 * connections table in the stack, beside the registry's and the quota's items). The rule is
 * the in-memory limiter's (`takeTokens`), so both admit exactly the same requests.
 *
 * An acquire reads the bucket (consistent read), applies the rule, and — only when it admits —
 * writes the new state conditional on the revision it read; a lost race re-reads and retries
 * with jittered backoff, so two instances can never both spend the last token. A refusal
 * writes nothing (refill is computed from the time, so the stored state stays right): one read.
 * If the races outlast the retries (one key hammered from many instances at once), the request
 * is refused — over budget is the safe side for a rate limit.
 *
 * Hand-written rather than a library: the limiters on npm keep their state in Redis or memory;
 * none offers a DynamoDB token bucket with this contract.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbRateLimiterOptions,
  ) {
    assertTokenBucketPolicy(options);
  }

  async tryAcquire(key: string, cost = 1): Promise<boolean> {
    return (await this.acquire(key, cost)).allowed;
  }

  async acquire(key: string, cost = 1): Promise<RateDecision> {
    const policy = this.options.raceBackoff ?? { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 100 };
    for (let attempt = 1; ; attempt++) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: this.keyOf(key), ConsistentRead: true }),
      );
      const now = this.options.clock.now();
      const rev = typeof Item?.['rev'] === 'string' ? Item['rev'] : null;
      // DynamoDB deletes expired items lazily (up to days later): one past its TTL counts as absent.
      const live = Item && typeof Item['ttl'] === 'number' && Item['ttl'] * 1000 > now;
      const stored =
        live && typeof Item['tokens'] === 'number' && typeof Item['at'] === 'number'
          ? ({ tokens: Item['tokens'], at: Item['at'] } as TokenBucketState)
          : null;
      const version = typeof Item?.['version'] === 'number' ? Item['version'] : 0;
      const { decision, next } = takeTokens(this.options, stored, now, cost);
      if (!decision.allowed) return decision;
      try {
        // The condition is on a random revision, not the counter: an item deleted (TTL, release)
        // and re-created by another instance starts its counter again, but never repeats a revision.
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...this.keyOf(key),
              tokens: next.tokens,
              at: next.at,
              rev: randomUUID(),
              version: version + 1,
              ttl: this.ttlOf(next),
            },
            ConditionExpression:
              Item === undefined
                ? 'attribute_not_exists(pk)'
                : rev === null
                  ? 'attribute_not_exists(rev)'
                  : 'rev = :rev',
            ...(Item !== undefined && rev !== null ? { ExpressionAttributeValues: { ':rev': rev } } : {}),
          }),
        );
        return decision;
      } catch (error) {
        if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
        if (attempt >= policy.maxAttempts)
          return {
            allowed: false,
            retryAfterMs: Math.max(1, Math.ceil(1000 / Math.max(1, this.options.refillPerSecond))),
          };
        await backoff(this.options.sleeper, policy, attempt);
      }
    }
  }

  async release(key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: this.keyOf(key) }));
  }

  private keyOf(key: string): { pk: string; sk: string } {
    return { pk: `rate#${this.options.name}#${key}`, sk: 'rate' };
  }

  private ttlOf(state: TokenBucketState): number {
    const untilFull = msUntilFull(this.options, state.tokens);
    const seconds = Number.isFinite(untilFull)
      ? Math.ceil(untilFull / 1000) + TTL_MARGIN_SECONDS
      : NO_REFILL_TTL_SECONDS;
    return Math.floor(state.at / 1000) + seconds;
  }
}
