import { DynamoDbConnectionQuota } from '../../adapters/dynamodb/connection-quota-adapter-dynamodb.js';
import { DynamoDbRateLimiter } from '../../adapters/dynamodb/rate-limiter-adapter-dynamodb.js';
import { ABUSE_TOKENS } from './abuse.module.js';
import type { AbuseLimits } from './config.js';
import { dynamoDoc, type AwsClientSettings } from './aws-target.js';
import { setting, TOKENS, type Binding, type Get } from './tokens.js';

/** The function's abuse limits, from its validated settings (config.ts `abuseLimitsOf`). */
export const abuseLimits = (limits: AbuseLimits): Binding => setting(ABUSE_TOKENS.Limits, limits);

/**
 * The per-user connection limit on the connections table. ws-connect counts and ws-disconnect
 * releases: they run in different instances, so the count must live in DynamoDB — a per-instance
 * count would only ever see one side and refuse users whose sockets closed long ago.
 */
export const connectionQuotaOnDynamoDb =
  (s: AwsClientSettings, table: string): Binding =>
  (bind) =>
    bind(
      ABUSE_TOKENS.ConnectionQuota,
      (get) => new DynamoDbConnectionQuota(dynamoDoc(s), table, { sleeper: get(TOKENS.Sleeper) }),
    );

/**
 * The per-user chat, like and bid budgets on the connections table, shared by every ws-message
 * and http-api instance (a bid may come as a frame or a POST: one bucket for both): API Gateway
 * spreads one user's requests over many instances, and per-instance buckets would multiply the
 * budget by the concurrency. A bid already costs an event-store read and transaction, so the
 * bucket's read and write add about half.
 */
export const userRateLimitsOnDynamoDb =
  (s: AwsClientSettings, table: string): Binding =>
  (bind) => {
    const shared =
      (name: string, policy: (l: AbuseLimits) => { capacity: number; refillPerSecond: number }) => (get: Get) =>
        new DynamoDbRateLimiter(dynamoDoc(s), table, {
          name,
          ...policy(get(ABUSE_TOKENS.Limits)),
          clock: get(TOKENS.Clock),
          sleeper: get(TOKENS.Sleeper),
        });
    bind(
      ABUSE_TOKENS.ChatUserLimiter,
      shared('chat-user', (l) => ({ capacity: l.chatUserBurst, refillPerSecond: l.chatUserPerSecond })),
    );
    bind(
      ABUSE_TOKENS.LikeUserLimiter,
      shared('like-user', (l) => ({ capacity: l.likeUserBurst, refillPerSecond: l.likeUserPerSecond })),
    );
    bind(
      ABUSE_TOKENS.BidUserLimiter,
      shared('bid-user', (l) => ({ capacity: l.bidBurst, refillPerSecond: l.bidPerSecond })),
    );
  };
