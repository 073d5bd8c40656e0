import { BatchGetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../application/ports/clock.port.js';
import type {
  BucketWrite,
  PresenceBucketStore,
  StoredBucket,
  StoredSubPartition,
  SubPartitionCount,
} from '../../application/ports/presence-bucket-store.port.js';
import { awsErrorName } from '../aws-shared/backoff.js';
import { decodeExpiring, decodeSessions, encodeExpiring, encodeSessions } from './presence-bucket-codec.js';

export interface DynamoDbPresenceBucketStoreOptions {
  /** Stamps the cleanup TTL of written items. */
  readonly clock: Clock;
  /** How long a bucket outlives its last write before DynamoDB TTL removes it (default one day). */
  readonly retentionMs?: number;
  /** Refuse to write a bucket item above this (DynamoDB stops at 400 KB; default 350,000 bytes). */
  readonly maxItemBytes?: number;
}

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_MAX = 100;
const COUNT_SK = 'count';
const bucketSk = (bucket: number) => `bucket#${String(bucket).padStart(4, '0')}`;
const pkOf = (partition: string) => `presence#${partition}`;

/**
 * Packed presence on the presence table (its keys are `channelId`/`sessionId`; the packed
 * items use `presence#<channel>#<k>` / `bucket#<b>` and `count`, which no session item can
 * take since a channel id has no `#`). Each item carries `rev`; a write is conditional on the
 * revision its writer read. Buckets are written one Put each — not a transaction, which would
 * double the write units — so a refused save may leave some buckets written: they hold that
 * writer's state merged on the revision it read, which is the stored one, so nothing is lost,
 * and the writer reloads and re-applies.
 */
export class DynamoDbPresenceBucketStore implements PresenceBucketStore {
  private readonly retentionMs: number;
  private readonly maxItemBytes: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbPresenceBucketStoreOptions,
  ) {
    this.retentionMs = options.retentionMs ?? 86_400_000;
    this.maxItemBytes = options.maxItemBytes ?? 350_000;
  }

  async load(partition: string): Promise<StoredSubPartition> {
    const buckets: StoredBucket[] = [];
    let countRevision = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'channelId' },
          ExpressionAttributeValues: { ':pk': pkOf(partition) },
          // A cold consumer must see the last writer's buckets, not a replica a moment behind.
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item['sessionId']);
        if (sk === COUNT_SK) countRevision = Number(item['rev']);
        else
          buckets.push({
            bucket: Number(sk.slice('bucket#'.length)),
            revision: Number(item['rev']),
            sessions: decodeSessions(Number(item['base']), String(item['s'] ?? '')),
          });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { buckets, countRevision };
  }

  async save(
    partition: string,
    writes: readonly BucketWrite[],
    count: SubPartitionCount,
    expectedCountRevision: number,
  ): Promise<'SAVED' | 'CONFLICT'> {
    const ttl = Math.ceil((this.options.clock.now() + this.retentionMs) / 1000);
    const outcomes = await Promise.all(
      writes.map((w) => {
        const { base, packed } = encodeSessions(w.sessions);
        if (packed.length > this.maxItemBytes) {
          throw new Error(
            `presence bucket ${partition}/${w.bucket} would be ${packed.length} bytes (${w.sessions.length} sessions): raise the bucket count (PRESENCE_BUCKETS)`,
          );
        }
        return this.put(
          {
            channelId: pkOf(partition),
            sessionId: bucketSk(w.bucket),
            rev: w.expectedRevision + 1,
            base,
            s: packed,
            n: w.sessions.length,
            ttl,
          },
          w.expectedRevision,
        );
      }),
    );
    if (outcomes.includes(false)) return 'CONFLICT';
    const saved = await this.put(
      {
        channelId: pkOf(partition),
        sessionId: COUNT_SK,
        rev: expectedCountRevision + 1,
        count: count.count,
        asOf: count.asOf,
        until: count.exactUntil,
        exp: encodeExpiring(count.expiring),
        ttl,
      },
      expectedCountRevision,
    );
    return saved ? 'SAVED' : 'CONFLICT';
  }

  async counts(partitions: readonly string[]): Promise<ReadonlyMap<string, SubPartitionCount>> {
    const result = new Map<string, SubPartitionCount>();
    for (let i = 0; i < partitions.length; i += BATCH_GET_MAX) {
      let keys: Array<Record<string, unknown>> = partitions
        .slice(i, i + BATCH_GET_MAX)
        .map((p) => ({ channelId: pkOf(p), sessionId: COUNT_SK }));
      // Unprocessed keys (throttling) are asked again; a few rounds, then the count fails and the batch is retried.
      for (let round = 0; keys.length > 0; round++) {
        if (round >= 5)
          throw new Error(
            `presence counts: ${keys.length} count item(s) still unprocessed after ${round} BatchGetItem rounds`,
          );
        const page = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
        );
        for (const item of page.Responses?.[this.tableName] ?? []) {
          result.set(String(item['channelId']).slice('presence#'.length), {
            count: Number(item['count']),
            asOf: Number(item['asOf']),
            exactUntil: Number(item['until']),
            expiring: decodeExpiring(String(item['exp'] ?? '')),
          });
        }
        keys = (page.UnprocessedKeys?.[this.tableName]?.Keys as Array<Record<string, unknown>> | undefined) ?? [];
      }
    }
    return result;
  }

  private async put(item: Record<string, unknown>, expectedRevision: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: expectedRevision === 0 ? 'attribute_not_exists(#rev)' : '#rev = :rev',
          ExpressionAttributeNames: { '#rev': 'rev' },
          ...(expectedRevision === 0 ? {} : { ExpressionAttributeValues: { ':rev': expectedRevision } }),
        }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
