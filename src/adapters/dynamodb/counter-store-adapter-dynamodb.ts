import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../application/ports/clock.port.js';
import type { CounterStore } from '../../application/ports/counter-store.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { awsErrorName, backoff, type BackoffPolicy } from '../aws-shared/backoff.js';
import { cancellationCodes, isThrottledCancellation } from './transactions.js';

export interface DynamoDbCounterStoreOptions {
  readonly clock: Clock;
  readonly sleeper: Sleeper;
  /** How long an idempotency marker is kept (TTL): far longer than any redelivery. Default 7 days. */
  readonly idempotencyRetentionSeconds?: number;
  /** Retries of a transaction that collided with another one on the same counter item. */
  readonly conflictBackoff?: BackoffPolicy;
}

const COUNTER_SK = 'counter';
// Counter names become attributes with this prefix, so no name can clash with the key or TTL.
const PREFIX = 'c_';
const conflictPolicy: BackoffPolicy = { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 500 };

/**
 * Counters on DynamoDB: one item per counter set (pk = counterId, sk = `counter`), each counter
 * an attribute updated with `ADD` (atomic, no read).
 *
 * Exactly-once with an idempotency key: one TransactWriteItems of a conditional Put of a marker
 * item (pk = counterId, sk = `idem#<key>`, attribute_not_exists) and the ADD. A redelivered
 * message finds its marker, the transaction is cancelled and nothing is counted twice; markers
 * age out by TTL. (ClientRequestToken would only cover 10 minutes.) Concurrent transactions on
 * one hot counter item cancel each other with TransactionConflict; those are retried here.
 */
export class DynamoDbCounterStore implements CounterStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbCounterStoreOptions,
  ) {}

  async add(counterId: string, deltas: Readonly<Record<string, number>>, idempotencyKey?: string): Promise<void> {
    const entries = Object.entries(deltas);
    for (const [name, delta] of entries) {
      if (!Number.isFinite(delta))
        throw new RangeError(`counter ${counterId}.${name}: delta must be a finite number, got ${delta}`);
      if (name.length === 0) throw new RangeError(`counter ${counterId}: a counter name must not be empty`);
    }
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    entries.forEach(([name, delta], i) => {
      names[`#c${i}`] = `${PREFIX}${name}`;
      values[`:c${i}`] = delta;
    });
    const update = entries.length
      ? {
          TableName: this.tableName,
          Key: { pk: counterId, sk: COUNTER_SK },
          UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }
      : undefined;
    if (idempotencyKey === undefined) {
      if (update) await this.client.send(new UpdateCommand(update));
      return;
    }
    const marker = {
      TableName: this.tableName,
      Item: {
        pk: counterId,
        sk: `idem#${idempotencyKey}`,
        ttl: Math.floor(this.options.clock.now() / 1000) + (this.options.idempotencyRetentionSeconds ?? 7 * 86_400),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    const policy = this.options.conflictBackoff ?? conflictPolicy;
    for (let attempt = 1; ; attempt++) {
      try {
        if (update)
          await this.client.send(new TransactWriteCommand({ TransactItems: [{ Put: marker }, { Update: update }] }));
        else await this.client.send(new PutCommand(marker));
        return;
      } catch (error) {
        const name = awsErrorName(error);
        if (name === 'ConditionalCheckFailedException') return;
        if (name !== 'TransactionCanceledException') throw error;
        const codes = cancellationCodes(error);
        // The marker exists: this increment was applied before.
        if (codes[0] === 'ConditionalCheckFailed') return;
        // A concurrent increment of the same hot item, or DynamoDB throttling that item: both pass.
        const retryable = codes.includes('TransactionConflict') || isThrottledCancellation(error);
        if (!retryable || attempt >= policy.maxAttempts) throw error;
        await backoff(this.options.sleeper, policy, attempt);
      }
    }
  }

  async read(counterId: string): Promise<Readonly<Record<string, number>>> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: counterId, sk: COUNTER_SK }, ConsistentRead: true }),
    );
    const values: Record<string, number> = {};
    for (const [attribute, value] of Object.entries(Item ?? {})) {
      if (attribute.startsWith(PREFIX) && typeof value === 'number') values[attribute.slice(PREFIX.length)] = value;
    }
    return values;
  }
}
