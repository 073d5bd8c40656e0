import type { BatchHandler, BatchResponse, EventSourceStats } from './batch-handler.js';
import { InjectedCrashError, nextTurn, noActivity, Wakeup } from './batch-handler.js';
import type { ShardedLog } from './sharded-log.js';

/** Builds the AWS event a handler receives for some records of one shard, and names each record. */
export interface StreamRecordFormat<R, E> {
  toEvent(records: readonly R[], shard: number): E;
  /** The record's `itemIdentifier` in a partial batch response: its sequence number. */
  identifierOf(record: R): string;
}

export interface StreamEventSourceOptions<R> {
  readonly name: string;
  /** Records per invocation at most (Lambda: 1..10,000; default 100). */
  readonly batchSize?: number;
  /** How long to gather records before invoking with a partial batch (0: invoke at once). */
  readonly maximumBatchingWindowMs?: number;
  /** Retries of a failing head record before bisecting / discarding it (Lambda: -1 = until expiry). */
  readonly maximumRetryAttempts?: number;
  /** Halve the batch after exhausted retries to isolate a poison record (BisectBatchOnFunctionError). */
  readonly bisectBatchOnFunctionError?: boolean;
  readonly retryDelayMs?: number;
  /** Start at the oldest retained record (TRIM_HORIZON, default) or only new ones (LATEST). */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Chance that a batch that succeeded is delivered once more (Lambda's at-least-once). */
  readonly duplicateRate?: number;
  /** Chance that an invocation dies mid-batch: the handler runs on a prefix, then the invocation fails. */
  readonly crashRate?: number;
  readonly random?: () => number;
  /** The on-failure destination: records given up after retries. */
  readonly onDiscard?: (records: readonly R[], reason: string) => void;
  /** Every failed invocation (thrown or partial), for logs. */
  readonly onFailure?: (info: { shard: number; headIdentifier: string; attempt: number; error?: unknown }) => void;
}

interface ShardState {
  position: number;
  attempts: number;
  limit: number;
  lastDuplicatedAt: number;
}

/**
 * A Kinesis / DynamoDB Streams event source mapping, one poller per shard: batches (size and
 * window), partial batch responses (`batchItemFailures` by sequence number: the checkpoint
 * moves to the first failed record and the batch resumes there, so the records before it are
 * never redone), retries with back-off, bisection and an on-failure destination for a record
 * that keeps failing, plus injectable duplicates and mid-batch crashes. Shards are processed
 * in parallel, each strictly in order, as Lambda does with ParallelizationFactor 1.
 */
export class StreamEventSource<R, E> {
  private readonly wakeup = new Wakeup();
  private readonly states: ShardState[] = [];
  private loops: Promise<void>[] = [];
  private running = false;
  private unsubscribe: (() => void) | null = null;
  private readonly handledListeners: Array<(shard: number, records: readonly R[]) => void> = [];
  private inFlight = 0;
  private counts = noActivity();

  constructor(
    private readonly log: ShardedLog<R>,
    private readonly format: StreamRecordFormat<R, E>,
    private readonly handler: BatchHandler<E>,
    private readonly options: StreamEventSourceOptions<R>,
  ) {}

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.log.onAppend(() => this.wakeup.wake());
    const batchSize = this.batchSize();
    for (let shard = 0; shard < this.log.shardCount; shard++) {
      const position = this.options.startingPosition === 'LATEST' ? this.log.length(shard) : 0;
      this.states[shard] = { position, attempts: 0, limit: batchSize, lastDuplicatedAt: -1 };
    }
    this.loops = this.states.map((_, shard) => this.run(shard));
  }

  /**
   * Called each time the checkpoint of a shard moves past records, with those records in order:
   * a batch that succeeded, the records before the first failure of a partial batch, a record
   * given up on after its retries. A poller over a real stream saves its position from it.
   */
  onHandled(listener: (shard: number, records: readonly R[]) => void): void {
    this.handledListeners.push(listener);
  }

  private handled(shard: number, records: readonly R[]): void {
    if (records.length > 0) for (const listener of this.handledListeners) listener(shard, records);
  }

  /** Stops polling after the invocations in flight finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wakeup.wake();
    await Promise.all(this.loops);
  }

  stats(): EventSourceStats {
    return { ...this.counts, backlog: this.backlog() };
  }

  /** True when every shard's checkpoint is at its end and no invocation runs. */
  isIdle(): boolean {
    return this.inFlight === 0 && this.backlog() === 0;
  }

  private backlog(): number {
    return this.states.reduce((sum, s, shard) => sum + Math.max(0, this.log.length(shard) - s.position), 0);
  }

  private batchSize(): number {
    return Math.max(1, Math.min(10_000, this.options.batchSize ?? 100));
  }

  private async run(shard: number): Promise<void> {
    const state = this.states[shard] as ShardState;
    while (this.running) {
      if (this.log.length(shard) <= state.position) {
        await this.wakeup.wait(1_000);
        continue;
      }
      await this.gather(shard, state);
      if (!this.running) break;
      await this.invoke(shard, state);
      await nextTurn();
    }
  }

  /** Waits up to the batching window for a full batch. */
  private async gather(shard: number, state: ShardState): Promise<void> {
    const window = this.options.maximumBatchingWindowMs ?? 0;
    const deadline = Date.now() + window;
    while (this.running && this.log.length(shard) - state.position < state.limit && Date.now() < deadline) {
      await this.wakeup.wait(deadline - Date.now());
    }
  }

  private async invoke(shard: number, state: ShardState): Promise<void> {
    const records = this.log.read(shard, state.position, state.limit);
    const start = this.log.firstPosition(shard, state.position);
    state.position = start; // records past retention are gone, as with an expired iterator
    if (records.length === 0) return;
    const { failedAt, error } = await this.deliver(shard, records);
    if (failedAt === null) {
      this.handled(shard, records);
      state.position = start + records.length;
      state.attempts = 0;
      state.limit = this.batchSize();
      if (start !== state.lastDuplicatedAt && this.chance(this.options.duplicateRate)) {
        state.lastDuplicatedAt = start;
        state.position = start;
        this.counts.injectedDuplicates += records.length;
      }
      return;
    }
    state.position = start + failedAt;
    this.handled(shard, records.slice(0, failedAt));
    state.attempts = failedAt > 0 ? 1 : state.attempts + 1;
    const remaining = records.length - failedAt;
    const head = records[failedAt] as R;
    this.options.onFailure?.({ shard, headIdentifier: this.format.identifierOf(head), attempt: state.attempts, error });
    const maxRetries = this.options.maximumRetryAttempts ?? 10;
    if (maxRetries >= 0 && state.attempts > maxRetries) {
      if ((this.options.bisectBatchOnFunctionError ?? true) && remaining > 1) {
        state.limit = Math.max(1, Math.floor(remaining / 2));
      } else {
        this.counts.discarded += 1;
        this.options.onDiscard?.([head], `failed ${state.attempts} times`);
        this.handled(shard, [head]);
        state.position += 1;
        state.limit = this.batchSize();
      }
      state.attempts = 0;
    }
    const delay = Math.min(1_000, (this.options.retryDelayMs ?? 20) * 2 ** Math.max(0, state.attempts - 1));
    await this.wakeup.wait(delay);
  }

  /** Runs one invocation; the index of the first failed record, or null when all succeeded. */
  private async deliver(shard: number, records: readonly R[]): Promise<{ failedAt: number | null; error?: unknown }> {
    this.inFlight++;
    this.counts.invocations++;
    this.counts.records += records.length;
    try {
      if (this.chance(this.options.crashRate)) {
        this.counts.injectedCrashes++;
        const prefix = Math.floor((this.options.random ?? Math.random)() * records.length);
        if (prefix > 0) await this.handler(this.format.toEvent(records.slice(0, prefix), shard)).catch(() => undefined);
        throw new InjectedCrashError(
          `${this.options.name}: injected crash after ${prefix} of ${records.length} records`,
        );
      }
      const response = await this.handler(this.format.toEvent(records, shard));
      return { failedAt: this.firstFailure(response, records) };
    } catch (error) {
      this.counts.failedInvocations++;
      return { failedAt: 0, error };
    } finally {
      this.inFlight--;
    }
  }

  private firstFailure(response: BatchResponse | void | undefined, records: readonly R[]): number | null {
    const failures = response?.batchItemFailures ?? [];
    if (failures.length === 0) return null;
    this.counts.failedInvocations++;
    let first = Number.POSITIVE_INFINITY;
    for (const failure of failures) {
      const at = records.findIndex((r) => this.format.identifierOf(r) === failure.itemIdentifier);
      // Lambda treats an identifier it cannot match as a failure of the whole batch.
      if (at === -1) return 0;
      first = Math.min(first, at);
    }
    return first;
  }

  private chance(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && (this.options.random ?? Math.random)() < rate;
  }
}
