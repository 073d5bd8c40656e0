import { createDynamoDbClient, type AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import { DynamoDbConnectionQuota } from '../../adapters/dynamodb/connection-quota-adapter-dynamodb.js';
import { DynamoDbRateLimiter } from '../../adapters/dynamodb/rate-limiter-adapter-dynamodb.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';
import type { TokenBucketPolicy } from '../../application/abuse/token-bucket.js';
import type { LocalConfig } from '../local/local-config.js';
import { ABUSE_TOKENS } from './abuse.module.js';
import type { AwsPortBinding } from './aws.container.js';
import { sharedClient } from './feature-lambda.container.js';
import { LOCAL_TOKENS } from './local.container.js';
import { TOKENS, type Token } from './tokens.js';

/**
 * The per-user connection limit on the connections table. ws-connect counts and ws-disconnect
 * releases: they run in different instances, so the count must live in DynamoDB — the
 * in-memory default would only ever see one side and refuse users whose sockets closed long ago.
 */
export const connectionQuotaOnDynamoDb =
  (s: AwsClientSettings, table: string): AwsPortBinding =>
  (bind) =>
    bind(
      ABUSE_TOKENS.ConnectionQuota,
      (get) =>
        new DynamoDbConnectionQuota(
          sharedClient('dynamodb-doc', s, () => documentClientFor(sharedClient('dynamodb', s, () => createDynamoDbClient(s)))),
          table,
          { sleeper: get(TOKENS.Sleeper) },
        ),
    );

/**
 * The per-user chat, like and bid budgets on the connections table, shared by every ws-message
 * and http-api instance (a bid may come as a frame or a POST: one bucket for both): API Gateway
 * spreads one user's requests over many instances, and per-instance buckets would multiply the
 * budget by the concurrency. A bid already costs an event-store read and transaction, so the
 * bucket's read and write add about half; heartbeats and the per-connection budgets stay in each
 * instance's memory (a DynamoDB read and write per heartbeat, every viewer every 5 s, would cost
 * more than the flood it stops). Same limits as locally (`chatUserBurst`, `chatUserPerSecond`,
 * `likeUserBurst`, `likeUserPerSecond`, `bidBurst`, `bidPerSecond`).
 */
export const userRateLimitsOnDynamoDb =
  (s: AwsClientSettings, table: string): AwsPortBinding =>
  (bind) => {
    const doc = () => sharedClient('dynamodb-doc', s, () => documentClientFor(sharedClient('dynamodb', s, () => createDynamoDbClient(s))));
    const shared = (name: string, policy: (config: LocalConfig) => TokenBucketPolicy) => (get: <U>(t: Token<U>) => U) =>
      new DynamoDbRateLimiter(doc(), table, { name, ...policy(get(LOCAL_TOKENS.Config)), clock: get(TOKENS.Clock), sleeper: get(TOKENS.Sleeper) });
    bind(ABUSE_TOKENS.ChatUserLimiter, shared('chat-user', (c) => ({ capacity: c.chatUserBurst, refillPerSecond: c.chatUserPerSecond })));
    bind(ABUSE_TOKENS.LikeUserLimiter, shared('like-user', (c) => ({ capacity: c.likeUserBurst, refillPerSecond: c.likeUserPerSecond })));
    bind(ABUSE_TOKENS.BidUserLimiter, shared('bid-user', (c) => ({ capacity: c.bidBurst, refillPerSecond: c.bidPerSecond })));
  };
