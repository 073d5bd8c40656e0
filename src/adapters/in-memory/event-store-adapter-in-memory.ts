import type { EventEnvelope, NewEvent } from '../../domain/shared/envelope.js';
import { AppendRejectedError, ConcurrencyError, type EventStore, type StreamSlice } from '../../application/ports/event-store.port.js';

/** Same limit as the DynamoDB adapter (one TransactWriteItems), so the twin fails alike. */
export const MAX_EVENTS_PER_APPEND = 100;

/**
 * The in-memory event store. Appends are checked and applied synchronously, so within one
 * process the version check and the write are atomic, like a DynamoDB conditional write.
 * `subscribe` stands in for DynamoDB Streams: listeners see every append, in order.
 */
export class InMemoryEventStore implements EventStore {
  private readonly streams = new Map<string, EventEnvelope[]>();
  private readonly listeners = new Set<(events: readonly EventEnvelope[]) => void>();

  async read(streamId: string, afterVersion = 0): Promise<StreamSlice> {
    const events = this.streams.get(streamId) ?? [];
    return { version: events.length, events: events.slice(afterVersion) };
  }

  async append(streamId: string, expectedVersion: number, events: readonly NewEvent[]): Promise<readonly EventEnvelope[]> {
    if (events.length === 0) return [];
    if (events.length > MAX_EVENTS_PER_APPEND) {
      throw new AppendRejectedError(`an append holds at most ${MAX_EVENTS_PER_APPEND} events, got ${events.length}`);
    }
    const stream = this.streams.get(streamId) ?? [];
    if (stream.length !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion);
    const stored = events.map((e, i) => ({ ...structuredClone(e), streamId, version: expectedVersion + i + 1 }));
    stream.push(...stored);
    this.streams.set(streamId, stream);
    for (const listener of this.listeners) listener(stored);
    return stored;
  }

  /** Every append, as it happens (the local stand-in for a DynamoDB stream). */
  subscribe(listener: (events: readonly EventEnvelope[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** All stream ids, for tests and the local runtime's admin views. */
  streamIds(): string[] {
    return [...this.streams.keys()];
  }
}
