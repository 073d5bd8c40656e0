import type { Decider, DomainEvent } from '../domain/shared/decider.js';
import type { EventSerializer } from '../domain/shared/codec.js';
import type { EventEnvelope } from '../domain/shared/envelope.js';
import type { Clock } from './ports/clock.port.js';
import { ConcurrencyError, type EventStore } from './ports/event-store.port.js';
import type { IdGenerator } from './ports/id-generator.port.js';
import type { Sleeper } from './ports/sleeper.port.js';
import type { SnapshotStore } from './ports/snapshot-store.port.js';

/** Retries of a lost optimistic-concurrency race ran out; mapped to HTTP 409 at the edge. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly code = 'CONFLICT';
  constructor(
    readonly streamId: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      `stream ${streamId} kept changing underneath; gave up after ${attempts} attempts, retry the request`,
      options,
    );
  }
}

export interface CommandContext {
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Stamped on every stored event of the command (see `EventEnvelope.channelId`). */
  readonly channelId?: string;
}

export interface CommandResult<S, E extends DomainEvent> {
  readonly state: S;
  readonly version: number;
  readonly events: readonly E[];
  readonly stored: readonly EventEnvelope[];
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 200 };

export interface CommandHandlerDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly sleeper: Sleeper;
  readonly retry?: RetryPolicy;
  /** Called on every lost race, e.g. to count retried conflicts in metrics. */
  readonly onConflict?: (streamId: string, attempt: number) => void;
  /** Snapshots for deciders that expose a `snapshot` serializer; others ignore it. */
  readonly snapshots?: SnapshotPolicy;
}

/**
 * When the command handler snapshots a stream's state: every `everyEvents` versions, and after
 * a load that had to fold more than `maxFoldedEvents` events. Snapshots are written in the
 * background: a slow or failing snapshot store never delays or fails a command.
 */
export interface SnapshotPolicy {
  readonly store: SnapshotStore;
  readonly everyEvents: number;
  readonly maxFoldedEvents: number;
  /** A snapshot that could not be read, decoded or written (the command went on without it). */
  readonly onError?: (streamId: string, error: unknown) => void;
}

interface Cached<S> {
  readonly version: number;
  readonly state: S;
}

/**
 * Load → decide → append, for one decider. A lost race (another writer appended first) is
 * retried with full-jitter exponential back-off up to `maxAttempts`, then reported as a
 * `ConflictError`. The state of each stream is cached by version, so a hot stream (a trip
 * during a booking rush) is caught up from its last known version instead of replayed whole;
 * the cache is only an optimisation — a stale entry is caught up or corrected by the conflict.
 */
export class CommandHandler<C, E extends DomainEvent, S> {
  private readonly cache = new Map<string, Cached<S>>();
  private readonly inflight = new Map<string, Promise<Cached<S>>>();
  private readonly snapshotting = new Map<string, Promise<void>>();
  private readonly retry: RetryPolicy;

  constructor(
    private readonly decider: Decider<C, E, S>,
    private readonly codec: EventSerializer<E>,
    private readonly deps: CommandHandlerDeps,
    private readonly cacheLimit = 10_000,
  ) {
    this.retry = deps.retry ?? defaultRetryPolicy;
  }

  /**
   * Current state and version of a stream. Concurrent loads of one stream share a single read
   * (single-flight): in a rush, thousands of commands for one trip would otherwise each read and
   * fold the same events at once — memory and read capacity spent for one answer.
   */
  load(streamId: string): Promise<Cached<S>> {
    const pending = this.inflight.get(streamId);
    if (pending) return pending;
    const loading = this.catchUp(streamId).finally(() => this.inflight.delete(streamId));
    this.inflight.set(streamId, loading);
    return loading;
  }

  private async catchUp(streamId: string): Promise<Cached<S>> {
    const cached = this.cache.get(streamId);
    const from = cached ?? (await this.fromSnapshot(streamId)) ?? { version: 0, state: this.decider.initialState };
    const slice = await this.deps.store.read(streamId, from.version);
    if (slice.events.length === 0) {
      if (!cached && from.version > 0) this.remember(streamId, from);
      return from;
    }
    let state = from.state;
    for (const envelope of slice.events) state = this.decider.evolve(state, this.codec.decode(envelope));
    const loaded = { version: slice.version, state };
    this.remember(streamId, loaded);
    if (slice.events.length > (this.deps.snapshots?.maxFoldedEvents ?? Infinity)) this.snapshot(streamId, loaded);
    return loaded;
  }

  /** The stored snapshot, if there is one this decider can read; null means "replay from 0". */
  private async fromSnapshot(streamId: string): Promise<Cached<S> | null> {
    const policy = this.deps.snapshots;
    const serializer = this.decider.snapshot;
    if (!policy || !serializer) return null;
    try {
      const snapshot = await policy.store.load(streamId);
      // Another schema version was folded by another `evolve`: starting from it could differ
      // from a replay, so it is ignored (and overwritten by the next snapshot at a later version).
      if (!snapshot || snapshot.schemaVersion !== serializer.schemaVersion) return null;
      return { version: snapshot.version, state: serializer.decode(snapshot.state) };
    } catch (error) {
      policy.onError?.(streamId, error);
      return null;
    }
  }

  /** Writes a snapshot in the background, one at a time per stream; never throws. */
  private snapshot(streamId: string, at: Cached<S>): void {
    const policy = this.deps.snapshots;
    const serializer = this.decider.snapshot;
    if (!policy || !serializer || this.snapshotting.has(streamId)) return;
    const write = (async () => {
      try {
        await policy.store.save({
          streamId,
          version: at.version,
          schemaVersion: serializer.schemaVersion,
          state: serializer.encode(at.state),
        });
      } catch (error) {
        policy.onError?.(streamId, error);
      } finally {
        this.snapshotting.delete(streamId);
      }
    })();
    this.snapshotting.set(streamId, write);
  }

  /** Resolves when the snapshots being written have been written (or failed): for tests, benchmarks, shutdown. */
  async snapshotsSettled(): Promise<void> {
    await Promise.all([...this.snapshotting.values()]);
  }

  /**
   * Decides `command` on the stream and appends what it yields. The first try decides on the
   * cached state without reading the store: in a rush the consumer is the stream's only writer,
   * so the cache is current, and a read per command (a round trip that finds nothing new) would
   * halve its throughput. The append's version check is what makes this safe: a cache that is
   * behind makes the append fail like any lost race, and the retry reads what it missed. A
   * command that yields nothing or is refused on the cached state is decided on a fresh read,
   * since only an append proves the state was current.
   */
  async handle(streamId: string, command: C, context: CommandContext = {}): Promise<CommandResult<S, E>> {
    for (let attempt = 1; ; attempt++) {
      const optimistic = attempt === 1 ? this.decideOnCache(streamId, command) : null;
      const loaded = optimistic?.from ?? (await this.load(streamId));
      const events = optimistic?.events ?? this.decider.decide(command, loaded.state);
      if (events.length === 0) return { state: loaded.state, version: loaded.version, events, stored: [] };
      try {
        return await this.append(streamId, loaded, events, context);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        // The cached state is still right for its version: the retry reads only the winner's
        // events. Dropping it would replay the whole stream on every lost race — during a
        // booking rush, thousands of events per retry on the hottest stream.
        this.deps.onConflict?.(streamId, attempt);
        if (attempt >= this.retry.maxAttempts) throw new ConflictError(streamId, attempt, { cause: error });
        const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        await this.deps.sleeper.sleep(Math.floor(this.deps.sleeper.random() * cap));
      }
    }
  }

  /** The events `command` yields on the cached state, when there is one and it yields some; null otherwise. */
  private decideOnCache(streamId: string, command: C): { from: Cached<S>; events: readonly E[] } | null {
    const from = this.cache.get(streamId);
    // A read in flight may bring newer events: wait for it rather than race it.
    if (!from || this.inflight.has(streamId)) return null;
    try {
      const events = this.decider.decide(command, from.state);
      return events.length > 0 ? { from, events } : null;
    } catch {
      return null;
    }
  }

  private async append(
    streamId: string,
    { version, state }: Cached<S>,
    events: readonly E[],
    context: CommandContext,
  ): Promise<CommandResult<S, E>> {
    const now = this.deps.clock.now();
    const stored = await this.deps.store.append(
      streamId,
      version,
      events.map((e) => ({
        eventId: this.deps.ids.next(),
        ...this.codec.encode(e),
        occurredAt: now,
        correlationId: context.correlationId,
        causationId: context.causationId,
        channelId: context.channelId,
      })),
    );
    const next = {
      version: version + events.length,
      state: events.reduce((s, e) => this.decider.evolve(s, e), state),
    };
    this.remember(streamId, next);
    const every = this.deps.snapshots?.everyEvents;
    if (every && Math.floor(next.version / every) > Math.floor(version / every)) this.snapshot(streamId, next);
    return { ...next, events, stored };
  }

  private remember(streamId: string, entry: Cached<S>): void {
    // An append that finished while an older read was folding must not be rolled back.
    const current = this.cache.get(streamId);
    if (current && current.version > entry.version) return;
    // Map keeps insertion order: delete + set moves the stream to the newest end (LRU).
    this.cache.delete(streamId);
    this.cache.set(streamId, entry);
    if (this.cache.size > this.cacheLimit) this.cache.delete(this.cache.keys().next().value as string);
  }
}
