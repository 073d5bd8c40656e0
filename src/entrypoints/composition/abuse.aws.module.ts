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
 * The per-user chat and like budgets on the connections table, shared by every ws-message
 * instance: API Gateway spreads one user's frames over many instances, and per-instance buckets
 * would multiply the budget by the concurrency. Per-connection budgets, bids and heartbeats stay
 * in each instance's memory (a DynamoDB read and write per heartbeat would cost more than the
 * flood it stops; a bid must also beat the highest by the increment). Same limits as locally
 * (`chatUserBurst`, `chatUserPerSecond`, `likeUserBurst`, `likeUserPerSecond`).
 */
export const userRateLimitsOnDynamoDb =
  (s: AwsClientSettings, table: string): AwsPortBinding =>
  (bind) => {
    const doc = () => sharedClient('dynamodb-doc', s, () => documentClientFor(sharedClient('dynamodb', s, () => createDynamoDbClient(s))));
    const shared = (name: string, policy: (config: LocalConfig) => TokenBucketPolicy) => (get: <U>(t: Token<U>) => U) =>
      new DynamoDbRateLimiter(doc(), table, { name, ...policy(get(LOCAL_TOKENS.Config)), clock: get(TOKENS.Clock), sleeper: get(TOKENS.Sleeper) });
    bind(ABUSE_TOKENS.ChatUserLimiter, shared('chat-user', (c) => ({ capacity: c.chatUserBurst, refillPerSecond: c.chatUserPerSecond })));
    bind(ABUSE_TOKENS.LikeUserLimiter, shared('like-user', (c) => ({ capacity: c.likeUserBurst, refillPerSecond: c.likeUserPerSecond })));
  };
