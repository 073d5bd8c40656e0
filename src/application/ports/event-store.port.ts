import type { EventEnvelope, NewEvent } from '../../domain/shared/envelope.js';

/** A stream as read: its events in version order and the version of the last one (0 if empty). */
export interface StreamSlice {
  readonly version: number;
  readonly events: readonly EventEnvelope[];
}

/** The append lost a race: the stream is no longer at the expected version. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    options?: { cause?: unknown },
  ) {
    super(`stream ${streamId} is no longer at version ${expectedVersion}`, options);
  }
}

/** The store refused an append for a reason other than a conflict (too large, malformed…). */
export class AppendRejectedError extends Error {
  override readonly name = 'AppendRejectedError';
}

/** Append-only storage of versioned event streams with optimistic concurrency. */
export interface EventStore {
  /** Reads a stream's events with version > `afterVersion` (default 0), in version order. */
  read(streamId: string, afterVersion?: number): Promise<StreamSlice>;
  /**
   * Appends events atomically as versions expectedVersion+1…; throws `ConcurrencyError` when
   * the stream is not at `expectedVersion`. Returns the stored envelopes.
   */
  append(streamId: string, expectedVersion: number, events: readonly NewEvent[]): Promise<readonly EventEnvelope[]>;
}
