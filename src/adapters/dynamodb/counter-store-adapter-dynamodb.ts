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
  /** Most increments one transaction carries (markers + 1 update ≤ 100 items). Default 99. */
  readonly maxBatch?: number;
}

const COUNTER_SK = 'counter';
// Counter names become attributes with this prefix, so no name can clash with the key or TTL.
const PREFIX = 'c_';
const conflictPolicy: BackoffPolicy = { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 500 };
/** TransactWriteItems takes at most 100 items: 99 markers and the counter item. */
const MAX_BATCH = 99;

interface PendingAdd {
  readonly deltas: Readonly<Record<string, number>>;
  readonly key: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Counters on DynamoDB: one item per counter set (pk = counterId, sk = `counter`), each counter
 * an attribute updated with `ADD` (atomic, no read).
 *
 * Exactly-once with an idempotency key: one TransactWriteItems of a conditional Put of a marker
 * item per increment (pk = counterId, sk = `idem#<key>`, attribute_not_exists) and the ADD of
 * their sum. A redelivered message finds its marker, its increment is dropped and nothing is
 * counted twice; markers age out by TTL. (ClientRequestToken would only cover 10 minutes.)
 *
 * Group commit per counter item: while one transaction on an item is in flight, the increments
 * that arrive for it wait and go together in the next one (up to 99). A rush adds to the same
 * two items (the trip's and the total) on every request; one transaction each would make them
 * cancel each other with TransactionConflict and retry with back-off — the hot path of the
 * emulator backend's booking spike spent most of its time there. Written here rather than taken
 * from a library: the batch must drop exactly the increments whose marker exists (the
 * cancellation reasons say which) and retry the rest. Transactions from other processes on the
 * same item still conflict now and then; those are retried with back-off.
 */
export class DynamoDbCounterStore implements CounterStore {
  private readonly pending = new Map<string, PendingAdd[]>();
  private readonly flushing = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbCounterStoreOptions,
  ) {}

  async add(counterId: string, deltas: Readonly<Record<string, number>>, idempotencyKey?: string): Promise<void> {
    for (const [name, delta] of Object.entries(deltas)) {
      if (!Number.isFinite(delta))
        throw new RangeError(`counter ${counterId}.${name}: delta must be a finite number, got ${delta}`);
      if (name.length === 0) throw new RangeError(`counter ${counterId}: a counter name must not be empty`);
    }
    if (idempotencyKey === undefined) {
      const update = this.update(counterId, deltas);
      if (update) await this.client.send(new UpdateCommand(update));
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const queue = this.pending.get(counterId) ?? [];
      queue.push({ deltas, key: idempotencyKey, resolve, reject });
      this.pending.set(counterId, queue);
      if (!this.flushing.has(counterId)) void this.flush(counterId);
    });
  }

  /** Sends the waiting increments of one counter item, a transaction at a time, until none wait. */
  private async flush(counterId: string): Promise<void> {
    this.flushing.add(counterId);
    try {
      for (;;) {
        const queue = this.pending.get(counterId) ?? [];
        if (queue.length === 0) break;
        // One marker item per key in a transaction (DynamoDB refuses an item twice): a repeated
        // key waits for the next one, where its marker exists and it is dropped as applied.
        const batch: PendingAdd[] = [];
        const keys = new Set<string>();
        const rest: PendingAdd[] = [];
        for (const add of queue) {
          if (batch.length < (this.options.maxBatch ?? MAX_BATCH) && !keys.has(add.key)) {
            batch.push(add);
            keys.add(add.key);
          } else rest.push(add);
        }
        this.pending.set(counterId, rest);
        try {
          await this.commit(counterId, batch);
          for (const add of batch) add.resolve();
        } catch (error) {
          for (const add of batch) add.reject(error);
        }
      }
    } finally {
      this.pending.delete(counterId);
      this.flushing.delete(counterId);
    }
  }

  private update(counterId: string, deltas: Readonly<Record<string, number>>) {
    // A zero delta still creates its attribute (it reads 0, not absent).
    const entries = Object.entries(deltas);
    if (entries.length === 0) return undefined;
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    entries.forEach(([name, delta], i) => {
      names[`#c${i}`] = `${PREFIX}${name}`;
      values[`:c${i}`] = delta;
    });
    return {
      TableName: this.tableName,
      Key: { pk: counterId, sk: COUNTER_SK },
      UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  /** Applies every increment of `batch` whose marker does not exist yet, exactly once. */
  private async commit(counterId: string, batch: readonly PendingAdd[]): Promise<void> {
    const policy = this.options.conflictBackoff ?? conflictPolicy;
    const ttl = Math.floor(this.options.clock.now() / 1000) + (this.options.idempotencyRetentionSeconds ?? 7 * 86_400);
    let live = [...batch];
    for (let attempt = 1; live.length > 0;) {
      const sum: Record<string, number> = {};
      for (const add of live)
        for (const [name, delta] of Object.entries(add.deltas)) sum[name] = (sum[name] ?? 0) + delta;
      const update = this.update(counterId, sum);
      const markers = live.map((add) => ({
        TableName: this.tableName,
        Item: { pk: counterId, sk: `idem#${add.key}`, ttl },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
      try {
        if (markers.length === 1 && !update) await this.client.send(new PutCommand(markers[0]!));
        else
          await this.client.send(
            new TransactWriteCommand({
              TransactItems: [...markers.map((Put) => ({ Put })), ...(update ? [{ Update: update }] : [])],
            }),
          );
        return;
      } catch (error) {
        const name = awsErrorName(error);
        // A lone marker put: it exists, so this increment was applied before.
        if (name === 'ConditionalCheckFailedException') return;
        if (name !== 'TransactionCanceledException') throw error;
        const codes = cancellationCodes(error);
        const applied = new Set(live.filter((_, i) => codes[i] === 'ConditionalCheckFailed'));
        if (applied.size > 0) {
          // Those increments were applied before: drop them and send the rest at once.
          live = live.filter((add) => !applied.has(add));
          continue;
        }
        // A concurrent increment of the same hot item (another process), or DynamoDB throttling it.
        const retryable = codes.includes('TransactionConflict') || isThrottledCancellation(error);
        if (!retryable || attempt >= policy.maxAttempts) throw error;
        await backoff(this.options.sleeper, policy, attempt);
        attempt++;
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
