import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../application/ports/clock.port.js';
import type { ConnectionInfo, ConnectionRegistry } from '../../application/ports/connection-registry.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { backoff, type BackoffPolicy } from '../aws-shared/backoff.js';
import { isLostRace, sendTransaction } from './transactions.js';

export interface DynamoDbConnectionRegistryOptions {
  readonly clock: Clock;
  readonly sleeper: Sleeper;
  /** The most connections one shard of a channel holds (N). */
  readonly shardSize: number;
  /**
   * How long an entry lives without being removed (TTL). API Gateway closes every WebSocket
   * after 2 h, so entries older than that are leftovers of a lost $disconnect. Default 2 h 10 min.
   */
  readonly connectionTtlSeconds?: number;
  /** Query page size (`Limit`); unset = 1 MB pages. */
  readonly pageSize?: number;
  /** Retries when a concurrent join or leave changed the same shard first. */
  readonly raceBackoff?: BackoffPolicy;
}

const racePolicy: BackoffPolicy = { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 200 };

const channelKey = (channelId: string) => `ch#${channelId}`;
const shardSortKey = (shardNo: number) => `shard#${String(shardNo).padStart(6, '0')}`;
const membersKey = (channelId: string, shardNo: number) => `ch#${channelId}#${shardNo}`;
const connectionKey = (connectionId: string) => ({ pk: `conn#${connectionId}`, sk: 'info' });

/** A write lost a race with another join/leave; re-read and try again. */
class RaceLostError extends Error {
  override readonly name = 'RaceLostError';
}

/**
 * Channel shards of connections on one DynamoDB table (pk/sk), three kinds of item:
 *   - shard counter  pk `ch#<channel>`          sk `shard#<n>`   members (N)
 *   - member         pk `ch#<channel>#<n>`      sk <connectionId> userId, joinedAt, ttl
 *   - reverse entry  pk `conn#<connectionId>`   sk `info`        channelId, shardNo, userId, joinedAt, ttl
 *
 * A join is one transaction: ADD 1 to the chosen shard's counter under the condition
 * `members < N`, put the member and reverse items (and, when moving channels, delete the old
 * member and decrement the old counter). Two viewers racing for the last slot cannot both win:
 * the loser's condition fails and it re-reads. `connectionsIn` is one Query of a shard; stale
 * members (lost $disconnect) are filtered by `ttl` and later deleted by TTL.
 *
 * Counters are not decremented when TTL deletes a member, so a shard can look fuller than it is
 * until its members' TTL; the broadcaster removes dead connections far sooner through 410 Gone.
 */
export class DynamoDbConnectionRegistry implements ConnectionRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbConnectionRegistryOptions,
  ) {
    if (!Number.isInteger(options.shardSize) || options.shardSize < 1) throw new RangeError(`shardSize must be a positive integer, got ${options.shardSize}`);
  }

  async join(connectionId: string, channelId: string, userId: string | null, at: number): Promise<ConnectionInfo> {
    return this.retryRaces(`join ${connectionId} to ${channelId}`, async () => {
      const existing = await this.get(connectionId);
      // A repeated join (a retried frame) keeps its place, as the twin does.
      if (existing && existing.channelId === channelId) return existing;
      const shards = await this.shardMembers(channelId);
      let shardNo = 0;
      while ((shards.get(shardNo) ?? 0) >= this.options.shardSize) shardNo++;
      const info: ConnectionInfo = { connectionId, channelId, shardNo, userId, joinedAt: at };
      const ttl = Math.floor(at / 1000) + (this.options.connectionTtlSeconds ?? 7_800);
      await this.transact([
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: channelKey(channelId), sk: shardSortKey(shardNo) },
            UpdateExpression: 'ADD #members :one SET shardNo = :n',
            ConditionExpression: 'attribute_not_exists(#members) OR #members < :max',
            ExpressionAttributeNames: { '#members': 'members' },
            ExpressionAttributeValues: { ':one': 1, ':n': shardNo, ':max': this.options.shardSize },
          },
        },
        { Put: { TableName: this.tableName, Item: { pk: membersKey(channelId, shardNo), sk: connectionId, connectionId, userId, joinedAt: at, ttl } } },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...connectionKey(connectionId), connectionId, channelId, shardNo, userId, joinedAt: at, ttl },
            // The entry must still be what we read, or a concurrent join/leave of this connection won.
            ...(existing
              ? { ConditionExpression: 'channelId = :oldChannel AND shardNo = :oldShard', ExpressionAttributeValues: { ':oldChannel': existing.channelId, ':oldShard': existing.shardNo } }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        },
        ...(existing ? this.leaveItems(existing) : []),
      ]);
      return info;
    });
  }

  async remove(connectionId: string): Promise<void> {
    await this.retryRaces(`remove ${connectionId}`, async () => {
      const existing = await this.get(connectionId, { includeExpired: true });
      if (!existing) return;
      await this.transact([
        {
          Delete: {
            TableName: this.tableName,
            Key: connectionKey(connectionId),
            ConditionExpression: 'channelId = :c AND shardNo = :s',
            ExpressionAttributeValues: { ':c': existing.channelId, ':s': existing.shardNo },
          },
        },
        ...this.leaveItems(existing),
      ]);
    });
  }

  async get(connectionId: string, options: { includeExpired?: boolean } = {}): Promise<ConnectionInfo | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: connectionKey(connectionId), ConsistentRead: true }));
    if (!Item) return null;
    // TTL deletion lags by hours: an expired entry is already gone as far as callers are concerned.
    if (!options.includeExpired && typeof Item['ttl'] === 'number' && Item['ttl'] < this.nowSeconds()) return null;
    return {
      connectionId,
      channelId: String(Item['channelId']),
      shardNo: Number(Item['shardNo']),
      userId: typeof Item['userId'] === 'string' ? Item['userId'] : null,
      joinedAt: Number(Item['joinedAt']),
    };
  }

  async connectionsIn(channelId: string, shardNo: number): Promise<readonly string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#ttl >= :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':pk': membersKey(channelId, shardNo), ':now': this.nowSeconds() },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          Limit: this.options.pageSize,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item['sk']));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }

  async shardCount(channelId: string): Promise<number> {
    let highest = -1;
    for (const [shardNo, members] of await this.shardMembers(channelId)) if (members > 0 && shardNo > highest) highest = shardNo;
    return highest + 1;
  }

  /** Members per shard number, from the shard counters. */
  private async shardMembers(channelId: string): Promise<Map<number, number>> {
    const shards = new Map<number, number>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :shard)',
          ExpressionAttributeValues: { ':pk': channelKey(channelId), ':shard': 'shard#' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) shards.set(Number(item['shardNo']), Number(item['members'] ?? 0));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return shards;
  }

  /** Transaction items that take a connection out of its shard. */
  private leaveItems(info: ConnectionInfo) {
    return [
      { Delete: { TableName: this.tableName, Key: { pk: membersKey(info.channelId, info.shardNo), sk: info.connectionId } } },
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: channelKey(info.channelId), sk: shardSortKey(info.shardNo) },
          UpdateExpression: 'ADD #members :minus',
          ExpressionAttributeNames: { '#members': 'members' },
          ExpressionAttributeValues: { ':minus': -1 },
        },
      },
    ];
  }

  private async transact(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<void> {
    try {
      // Throttled transactions are retried inside; races (conditions, conflicts) come out here.
      await sendTransaction(this.client, { TransactItems: items }, { sleeper: this.options.sleeper });
    } catch (error) {
      if (isLostRace(error)) throw new RaceLostError('lost a race', { cause: error });
      throw error;
    }
  }

  private async retryRaces<R>(what: string, attempt: () => Promise<R>): Promise<R> {
    const policy = this.options.raceBackoff ?? racePolicy;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof RaceLostError)) throw error;
        if (n >= policy.maxAttempts) throw new Error(`could not ${what}: the channel kept changing under ${n} attempts; retry`, { cause: error });
        await backoff(this.options.sleeper, policy, n);
      }
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.options.clock.now() / 1000);
  }
}
