import { EventEnvelope, type NewEvent } from '../../domain/shared/envelope.js';

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

/**
 * The store refused an append for a reason other than a conflict: too many events, a malformed
 * envelope, an expected version that is not an integer ≥ 0. A caller's bug, never a lost race:
 * retrying cannot help, so the command handler does not retry it.
 */
export class AppendRejectedError extends Error {
  override readonly name = 'AppendRejectedError';
}

/** Events one append may hold: DynamoDB's TransactWriteItems limit, kept by every adapter alike. */
export const MAX_EVENTS_PER_APPEND = 100;

/**
 * What every adapter checks before it writes, in this order, so that all of them refuse the same
 * appends the same way (the contract suite holds them to it): the expected version, the count,
 * then every envelope against its schema. Returns the envelopes to store (versions assigned).
 */
export const envelopesToAppend = (
  streamId: string,
  expectedVersion: number,
  events: readonly NewEvent[],
): EventEnvelope[] => {
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new AppendRejectedError(`expectedVersion must be an integer ≥ 0, got ${expectedVersion}`);
  }
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new AppendRejectedError(
      `an append holds at most ${MAX_EVENTS_PER_APPEND} events (one DynamoDB transaction), got ${events.length}: split the command's events`,
    );
  }
  return events.map((event, i) => {
    const version = expectedVersion + i + 1;
    const parsed = EventEnvelope.safeParse({ ...event, streamId, version });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppendRejectedError(
        `event ${version} of ${streamId} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
        {
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  });
};

/** Append-only storage of versioned event streams with optimistic concurrency. */
export interface EventStore {
  /** Reads a stream's events with version > `afterVersion` (default 0), in version order. */
  read(streamId: string, afterVersion?: number): Promise<StreamSlice>;
  /**
   * Appends events atomically as versions expectedVersion+1…; throws `ConcurrencyError` when
   * the stream is not at `expectedVersion`, `AppendRejectedError` (writing nothing) for an
   * append no retry can fix (see `envelopesToAppend`). Returns the stored envelopes.
   */
  append(streamId: string, expectedVersion: number, events: readonly NewEvent[]): Promise<readonly EventEnvelope[]>;
}
