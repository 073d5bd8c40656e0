import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope, NewEvent } from '../../domain/shared/envelope.js';
import {
  AppendRejectedError,
  ConcurrencyError,
  envelopesToAppend,
  type EventStore,
  type StreamSlice,
} from '../../application/ports/event-store.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { awsErrorName } from '../aws-shared/backoff.js';
import { realSleeper } from '../system/system-clock.js';
import { fromEventItem, toEventItem } from './event-item.js';
import { cancellationCodes, isLostRace, sendTransaction } from './transactions.js';

/** TransactWriteItems takes at most 100 actions; an append is one transaction, so one append ≤ 100 events. */
const MAX_TRANSACTION_ITEMS = 100;

export interface DynamoDbEventStoreOptions {
  /** Query page size (`Limit`); unset = DynamoDB's 1 MB pages. Small values exercise paging in tests. */
  readonly pageSize?: number;
  /** Waits between retries of a transaction DynamoDB cancelled for capacity (default: real time). */
  readonly sleeper?: Sleeper;
  /**
   * Also guard single-event appends against an expectedVersion beyond the head, with a
   * ConditionCheck on item `expectedVersion` in a transaction (4 write units instead of 1).
   * Off by default: the command handler never appends beyond the head (see the class comment).
   */
  readonly strictHead?: boolean;
}

// `data` and friends are DynamoDB reserved words: every expression goes through names.
const names = { '#s': 'streamId', '#v': 'version' } as const;

/**
 * The event store on DynamoDB: one item per event, key (streamId, version).
 *
 * Optimistic concurrency without a separate head item: each new item is written with
 * `attribute_not_exists`, so an append at a stale version collides with the item that already
 * holds version expectedVersion+1. A single-event append is exactly that one conditional put
 * (1 write unit under 1 KB), whatever the stream's length: of concurrent appenders to one
 * version exactly one put lands, and no interleaving of callers who each append the version
 * they read + 1 can leave a gap, because every version they write has its predecessor already
 * stored (they read it). What the put does not check is an expectedVersion *beyond* the head —
 * a caller bug, not a race; the command handler (the only appender) never makes it, the
 * in-memory twin refuses it so a misuse fails in tests, and `read` throws on a gap. Guarding
 * it here would turn every append into a two-item transaction (twice the units of each item,
 * so 4 units instead of 1): on a hot auction's partition, 1,000 WCU/s, that is the ceiling on
 * bids per second. See docs/ARCHITECTURE.md. Set `strictHead` to keep the transactional guard
 * on single-event appends too. Multi-event appends stay one transaction with the guard: they
 * must be atomic anyway. Streams only grow (events are never deleted), which is what makes
 * the checks sufficient: once version k exists it always will.
 */
export class DynamoDbEventStore implements EventStore {
  /** How a transaction DynamoDB cancelled for capacity is retried. */
  private readonly retry: { readonly sleeper: Sleeper };

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbEventStoreOptions = {},
  ) {
    this.retry = { sleeper: options.sleeper ?? realSleeper };
  }

  async read(streamId: string, afterVersion = 0): Promise<StreamSlice> {
    const events: EventEnvelope[] = [];
    // From afterVersion itself, not after it: when nothing is new (a cached handler catching up,
    // the common case on a hot stream) the item at afterVersion proves the head is there, in the
    // same round trip — instead of a second query for the head.
    let sawAfterVersion = afterVersion === 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#s = :s AND #v >= :v',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':s': streamId, ':v': Math.max(1, afterVersion) },
          // Strongly consistent: a command handler must see the latest append before deciding.
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          Limit: this.options.pageSize,
        }),
      );
      for (const item of page.Items ?? []) {
        if (!sawAfterVersion && item['version'] === afterVersion) {
          sawAfterVersion = true;
          continue;
        }
        const event = fromEventItem(item);
        const expected = afterVersion + events.length + 1;
        if (event.version !== expected) {
          throw new Error(
            `stream ${streamId} has a gap: found version ${event.version} where ${expected} was expected`,
          );
        }
        events.push(event);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const last = events.at(-1);
    if (last) return { version: last.version, events };
    if (sawAfterVersion) return { version: afterVersion, events };
    return { version: afterVersion > 0 ? await this.head(streamId) : 0, events };
  }

  async append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
  ): Promise<readonly EventEnvelope[]> {
    const stored = envelopesToAppend(streamId, expectedVersion, events);
    if (stored.length === 0) return [];
    try {
      await this.write(streamId, expectedVersion, stored);
    } catch (error) {
      throw this.translate(error, streamId, expectedVersion);
    }
    return stored;
  }

  private async write(streamId: string, expectedVersion: number, stored: readonly EventEnvelope[]): Promise<void> {
    const puts = stored.map((event) => ({
      Put: {
        TableName: this.tableName,
        Item: toEventItem(event),
        ConditionExpression: 'attribute_not_exists(#v)',
        ExpressionAttributeNames: { '#v': 'version' },
      },
    }));
    if (puts.length === 1 && (expectedVersion === 0 || !this.options.strictHead)) {
      // The hot path: one conditional put on (stream, version), no transaction (1 WCU, not 4).
      try {
        await this.client.send(new PutCommand(puts[0]!.Put));
      } catch (error) {
        // Unlike TransactWriteItems, a put has no idempotency token: if the SDK retried a put
        // whose first attempt did land (the response was lost), the retry finds the item and
        // fails its condition. Our own event there is a success, not a conflict. Only after a
        // retry: a condition failing on the first attempt is a conflict, as in every other path.
        const retried = ((error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) > 1;
        if (
          awsErrorName(error) !== 'ConditionalCheckFailedException' ||
          !retried ||
          !(await this.holds(streamId, stored[0]!))
        )
          throw error;
      }
      return;
    }
    if (expectedVersion === 0) {
      await sendTransaction(this.client, { TransactItems: puts }, this.retry);
      return;
    }
    const guard = {
      ConditionCheck: {
        TableName: this.tableName,
        Key: { streamId, version: expectedVersion },
        ConditionExpression: 'attribute_exists(#v)',
        ExpressionAttributeNames: { '#v': 'version' },
      },
    };
    if (puts.length + 1 <= MAX_TRANSACTION_ITEMS) {
      await sendTransaction(this.client, { TransactItems: [guard, ...puts] }, this.retry);
      return;
    }
    // A full 100-event append leaves no room for the guard in the transaction. Checking first is
    // equally safe because versions are never deleted: if expectedVersion exists now it exists at
    // the write, and the puts' conditions then pin the head to exactly expectedVersion.
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { streamId, version: expectedVersion },
        ConsistentRead: true,
        ProjectionExpression: '#v',
        ExpressionAttributeNames: { '#v': 'version' },
      }),
    );
    if (!Item) throw new ConcurrencyError(streamId, expectedVersion);
    await sendTransaction(this.client, { TransactItems: puts }, this.retry);
  }

  /** True when the stored item at the event's version is this very event (same eventId). */
  private async holds(streamId: string, event: EventEnvelope): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { streamId, version: event.version },
        ConsistentRead: true,
        ProjectionExpression: 'eventId',
      }),
    );
    return Item?.['eventId'] === event.eventId;
  }

  private async head(streamId: string): Promise<number> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':s': streamId },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
        ProjectionExpression: '#v',
      }),
    );
    const version = page.Items?.[0]?.['version'];
    return typeof version === 'number' ? version : 0;
  }

  private translate(error: unknown, streamId: string, expectedVersion: number): unknown {
    if (error instanceof ConcurrencyError) return error;
    const name = awsErrorName(error);
    if (name === 'ConditionalCheckFailedException')
      return new ConcurrencyError(streamId, expectedVersion, { cause: error });
    // TransactionConflict: another transaction was writing the same items at that instant, i.e.
    // a concurrent appender; the command handler's retry reloads and decides again.
    if (isLostRace(error)) return new ConcurrencyError(streamId, expectedVersion, { cause: error });
    if (cancellationCodes(error).includes('ValidationError')) {
      return new AppendRejectedError(`DynamoDB refused the append to ${streamId}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (name === 'ValidationException') {
      // Item over 400 KB or transaction over 4 MB: retrying cannot help.
      return new AppendRejectedError(`DynamoDB refused the append to ${streamId}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return error;
  }
}
