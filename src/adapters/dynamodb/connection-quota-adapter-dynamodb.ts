import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectionQuota } from '../../application/ports/connection-quota.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { awsErrorName, backoff, type BackoffPolicy } from '../aws-shared/backoff.js';
import { isLostRace, sendTransaction } from './transactions.js';

/** API Gateway closes a WebSocket after 2 hours: an entry older than that is a lost `$disconnect`. */
const MAX_CONNECTION_LIFETIME_MS = 2 * 3600 * 1000;
/** Items outlive their newest connection by a little, then DynamoDB TTL removes them. */
const TTL_MARGIN_SECONDS = 10 * 60;

const userKey = (userId: string) => ({ pk: `quota#${userId}`, sk: 'quota' });
const connectionKey = (connectionId: string) => ({ pk: `quota-conn#${connectionId}`, sk: 'quota' });

/** Two writers raced for the same user's item; read again and retry. */
class QuotaRaceLostError extends Error {
  override readonly name = 'QuotaRaceLostError';
}

export interface DynamoDbConnectionQuotaOptions {
  readonly sleeper: Sleeper;
  readonly raceBackoff?: BackoffPolicy;
  readonly lifetimeMs?: number;
}

/**
 * Open connections per user on the connections table, beside the registry's and sessions'
 * items (prefixes `quota#` / `quota-conn#` meet neither):
 *   - user item        pk `quota#<user>`           sk `quota`  conns {connectionId: openedAt}, version, ttl
 *   - reverse item     pk `quota-conn#<conn>`      sk `quota`  userId, ttl
 * Opening reads the user item, drops entries older than a connection can live (lost
 * `$disconnect`s), and writes it back in a transaction with the reverse item, conditional on
 * the version it read — two tabs racing for the last slot cannot both win. Closing deletes the
 * reverse item and removes the entry, bumping the version so a racing open re-reads.
 */
export class DynamoDbConnectionQuota implements ConnectionQuota {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbConnectionQuotaOptions,
  ) {}

  async tryOpen(userId: string, connectionId: string, max: number, at: number): Promise<boolean> {
    const policy = this.options.raceBackoff ?? { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 200 };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attemptOpen(userId, connectionId, max, at);
      } catch (error) {
        if (!(error instanceof QuotaRaceLostError) || attempt >= policy.maxAttempts) throw error;
        await backoff(this.options.sleeper, policy, attempt);
      }
    }
  }

  async close(connectionId: string): Promise<void> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: connectionKey(connectionId), ReturnValues: 'ALL_OLD' }),
    );
    const userId = Attributes?.['userId'];
    if (typeof userId !== 'string') return;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKey(userId),
          UpdateExpression: 'REMOVE conns.#c ADD version :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#c': connectionId },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    } catch (error) {
      // The user item is gone (TTL): nothing left to release.
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }

  private async attemptOpen(userId: string, connectionId: string, max: number, at: number): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: userKey(userId), ConsistentRead: true }),
    );
    const lifetime = this.options.lifetimeMs ?? MAX_CONNECTION_LIFETIME_MS;
    const stored = (Item?.['conns'] ?? {}) as Record<string, number>;
    const live = Object.fromEntries(
      Object.entries(stored).filter(([, openedAt]) => typeof openedAt === 'number' && at - openedAt < lifetime),
    );
    if (connectionId in live) return true;
    if (Object.keys(live).length >= max) return false;
    const conns = { ...live, [connectionId]: at };
    const version = typeof Item?.['version'] === 'number' ? Item['version'] : 0;
    const ttl =
      Math.floor(Math.max(at, ...Object.values(conns)) / 1000) + Math.ceil(lifetime / 1000) + TTL_MARGIN_SECONDS;
    try {
      // Throttling is retried inside; what comes out is a lost race (condition, conflict) or a real error.
      await sendTransaction(
        this.client,
        {
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...userKey(userId), conns, version: version + 1, ttl },
                ConditionExpression: Item ? 'version = :v' : 'attribute_not_exists(pk)',
                ...(Item ? { ExpressionAttributeValues: { ':v': version } } : {}),
              },
            },
            { Put: { TableName: this.tableName, Item: { ...connectionKey(connectionId), userId, ttl } } },
          ],
        },
        { sleeper: this.options.sleeper },
      );
    } catch (error) {
      if (isLostRace(error)) {
        throw new QuotaRaceLostError(`lost a race for ${userId}'s connections`, { cause: error });
      }
      throw error;
    }
    return true;
  }
}
