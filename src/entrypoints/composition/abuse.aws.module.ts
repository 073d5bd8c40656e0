import { createDynamoDbClient, type AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import { DynamoDbConnectionQuota } from '../../adapters/dynamodb/connection-quota-adapter-dynamodb.js';
import { DynamoDbRateLimiter } from '../../adapters/dynamodb/rate-limiter-adapter-dynamodb.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';
import { ABUSE_TOKENS } from './abuse.module.js';
import type { AwsPortBinding } from './aws.container.js';
import { sharedClient } from './feature-lambda.container.js';
import { LOCAL_TOKENS } from './local.container.js';
import { TOKENS } from './tokens.js';

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
    bind(ABUSE_TOKENS.ChatUserLimiter, (get) => {
      const config = get(LOCAL_TOKENS.Config);
      return new DynamoDbRateLimiter(doc(), table, {
        name: 'chat-user',
        capacity: config.chatUserBurst,
        refillPerSecond: config.chatUserPerSecond,
        clock: get(TOKENS.Clock),
        sleeper: get(TOKENS.Sleeper),
      });
    });
    bind(ABUSE_TOKENS.LikeUserLimiter, (get) => {
      const config = get(LOCAL_TOKENS.Config);
      return new DynamoDbRateLimiter(doc(), table, {
        name: 'like-user',
        capacity: config.likeUserBurst,
        refillPerSecond: config.likeUserPerSecond,
        clock: get(TOKENS.Clock),
        sleeper: get(TOKENS.Sleeper),
      });
    });
  };
