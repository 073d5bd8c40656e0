import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectionInfo } from '../../application/ports/connection-registry.port.js';
import { awsErrorName } from '../aws-shared/backoff.js';

/**
 * Keys and reads of the connection registry's items (see DynamoDbConnectionRegistry for why
 * the layout has no counter):
 *   - shard marker   pk `ch#<channel>`        sk `shard#<n>`   shardNo, fullUntil (a hint), ttl
 *   - slot           pk `ch#<channel>#<n>`    sk `slot#<k>`    connectionId, ttl       (k < N)
 *   - reverse entry  pk `conn#<connectionId>` sk `info`        channelId, shardNo, slot, userId, joinedAt, ttl
 */
export const markerKey = (channelId: string, shardNo: number) => ({
  pk: `ch#${channelId}`,
  sk: `shard#${String(shardNo).padStart(6, '0')}`,
});
export const slotKey = (channelId: string, shardNo: number, slot: number) => ({
  pk: shardPk(channelId, shardNo),
  sk: `slot#${String(slot).padStart(6, '0')}`,
});
export const shardPk = (channelId: string, shardNo: number) => `ch#${channelId}#${shardNo}`;
export const reverseKey = (connectionId: string) => ({ pk: `conn#${connectionId}`, sk: 'info' });

/** A reverse entry as stored: the port's view plus the slot it holds and its TTL. */
export interface RegistryEntry extends ConnectionInfo {
  readonly slot: number | null;
  readonly ttl: number;
}

export interface ShardMarker {
  readonly shardNo: number;
  /** Until when (epoch seconds) joins skip the shard as full: a hint that expires, never a count. */
  readonly fullUntil: number;
  readonly ttl: number;
}

/** A reverse entry from its stored attributes. */
export const entryOf = (connectionId: string, item: Record<string, unknown>): RegistryEntry => ({
  connectionId,
  channelId: String(item['channelId']),
  shardNo: Number(item['shardNo']),
  slot: typeof item['slot'] === 'number' ? item['slot'] : null,
  userId: typeof item['userId'] === 'string' ? item['userId'] : null,
  joinedAt: Number(item['joinedAt']),
  ttl: Number(item['ttl']),
});

export const isConditionFailure = (error: unknown): boolean =>
  awsErrorName(error) === 'ConditionalCheckFailedException';

/** Reads over one table; `nowSeconds` decides what has outlived its TTL (DynamoDB deletes it hours later). */
export class RegistryItems {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nowSeconds: () => number,
  ) {}

  async entry(connectionId: string): Promise<RegistryEntry | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: reverseKey(connectionId), ConsistentRead: true }),
    );
    return Item ? entryOf(connectionId, Item) : null;
  }

  /** Live shard markers of a channel, by shard number. */
  async markers(channelId: string, consistent: boolean): Promise<Map<number, ShardMarker>> {
    const markers = new Map<number, ShardMarker>();
    const now = this.nowSeconds();
    for await (const item of this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :shard)',
      ExpressionAttributeValues: { ':pk': markerKey(channelId, 0).pk, ':shard': 'shard#' },
      ConsistentRead: consistent,
    })) {
      const marker = {
        shardNo: Number(item['shardNo']),
        fullUntil: typeof item['fullUntil'] === 'number' ? item['fullUntil'] : 0,
        ttl: Number(item['ttl'] ?? 0),
      };
      if (marker.ttl >= now) markers.set(marker.shardNo, marker);
    }
    return markers;
  }

  /** The live slots of a shard: slot number → connection id. */
  async slots(
    channelId: string,
    shardNo: number,
    options: { consistent: boolean; pageSize?: number },
  ): Promise<Map<number, string>> {
    const slots = new Map<number, string>();
    for await (const item of this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :slot)',
      FilterExpression: '#ttl >= :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':pk': shardPk(channelId, shardNo), ':slot': 'slot#', ':now': this.nowSeconds() },
      ProjectionExpression: 'sk, connectionId',
      ConsistentRead: options.consistent,
      Limit: options.pageSize,
    })) {
      slots.set(Number(String(item['sk']).slice('slot#'.length)), String(item['connectionId']));
    }
    return slots;
  }

  /** Whether a shard holds at least one live member; stops at the first one found. */
  async hasLiveMember(channelId: string, shardNo: number): Promise<boolean> {
    for await (const _ of this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :slot)',
      FilterExpression: '#ttl >= :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':pk': shardPk(channelId, shardNo), ':slot': 'slot#', ':now': this.nowSeconds() },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
      Limit: 25,
    })) {
      return true;
    }
    return false;
  }

  /** Hints the shard full until `until` (epoch seconds); only on a marker that exists (a hint never creates a shard). */
  async hintFull(channelId: string, shardNo: number, until: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markerKey(channelId, shardNo),
          UpdateExpression: 'SET fullUntil = :until',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':until': until },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Creates the shard's marker, or pushes its TTL out to at least `ttl`; never lowers it nor touches the hint. */
  async ensureMarker(channelId: string, shardNo: number, ttl: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markerKey(channelId, shardNo),
          UpdateExpression: 'SET shardNo = :n, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#ttl) OR #ttl < :ttl',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':n': shardNo, ':ttl': ttl },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async *query(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
