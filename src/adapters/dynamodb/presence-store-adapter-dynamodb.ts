import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../application/ports/clock.port.js';
import type { PresenceBeat, PresenceStore } from '../../application/ports/presence-store.port.js';
import { awsErrorName } from '../aws-shared/backoff.js';

export interface DynamoDbPresenceStoreOptions {
  /** Stamps the tombstone `end` writes for a session never seen (the port's `end` carries no time). */
  readonly clock: Clock;
  /**
   * How long an item outlives its `expiresAt` before TTL deletes it. It must outlast any queue
   * delay, or a very late beat with an old sequence would be accepted again. Default one hour.
   */
  readonly retentionMs?: number;
  /** Query page size (`Limit`) when counting; unset = 1 MB pages. */
  readonly pageSize?: number;
  /** Strongly consistent counts (twice the read cost). Default false: a count a moment old is fine. */
  readonly consistentCount?: boolean;
}

/**
 * Current viewers on DynamoDB, the seed's "current" table: partition channelId, sort sessionId,
 * one item per playback session.
 *
 * - A beat is a conditional Put, accepted only if its sequence is higher than the stored one
 *   (`attribute_not_exists(sequence) OR sequence < :seq`): duplicated and out-of-order beats
 *   change nothing, which is what keeps the count from flickering.
 * - `expiresAt` (epoch ms, as the port speaks) decides whether a session counts; `ttl` (epoch
 *   SECONDS, what DynamoDB TTL reads) only cleans up, hours late at worst, so counting filters
 *   on `expiresAt >= now` and never trusts TTL.
 * - `end` leaves a tombstone (ended = true) holding the sequence, so late beats cannot revive
 *   the session.
 */
export class DynamoDbPresenceStore implements PresenceStore {
  private readonly retentionMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbPresenceStoreOptions,
  ) {
    this.retentionMs = options.retentionMs ?? 3_600_000;
  }

  async record(beat: PresenceBeat): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            channelId: beat.channelId,
            sessionId: beat.sessionId,
            userId: beat.userId,
            sequence: beat.sequence,
            at: beat.at,
            expiresAt: beat.expiresAt,
            ended: false,
            ttl: this.ttlSeconds(beat.expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(#seq) OR #seq < :seq',
          ExpressionAttributeNames: { '#seq': 'sequence' },
          ExpressionAttributeValues: { ':seq': beat.sequence },
        }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async end(channelId: string, sessionId: string, sequence: number): Promise<void> {
    const now = this.options.clock.now();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { channelId, sessionId },
          UpdateExpression:
            'SET #seq = :seq, #ended = :true, #at = if_not_exists(#at, :now), #exp = if_not_exists(#exp, :now), #ttl = if_not_exists(#ttl, :ttl), #uid = if_not_exists(#uid, :null)',
          // An end older than the stored beat (the player came back with newer beats) changes nothing.
          ConditionExpression: 'attribute_not_exists(#seq) OR #seq <= :seq',
          ExpressionAttributeNames: {
            '#seq': 'sequence',
            '#ended': 'ended',
            '#at': 'at',
            '#exp': 'expiresAt',
            '#ttl': 'ttl',
            '#uid': 'userId',
          },
          ExpressionAttributeValues: {
            ':seq': sequence,
            ':true': true,
            ':now': now,
            ':ttl': this.ttlSeconds(now),
            ':null': null,
          },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async count(channelId: string, now: number): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#ch = :ch',
          FilterExpression: '#exp >= :now AND #ended = :false',
          ExpressionAttributeNames: { '#ch': 'channelId', '#exp': 'expiresAt', '#ended': 'ended' },
          ExpressionAttributeValues: { ':ch': channelId, ':now': now, ':false': false },
          Select: 'COUNT',
          ConsistentRead: this.options.consistentCount ?? false,
          ExclusiveStartKey: startKey,
          Limit: this.options.pageSize,
        }),
      );
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  private ttlSeconds(expiresAtMs: number): number {
    return Math.ceil((expiresAtMs + this.retentionMs) / 1000);
  }
}
