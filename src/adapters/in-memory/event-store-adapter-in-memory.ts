import type { EventEnvelope, NewEvent } from '../../domain/shared/envelope.js';
import {
  ConcurrencyError,
  envelopesToAppend,
  type EventStore,
  type StreamSlice,
} from '../../application/ports/event-store.port.js';

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

  async append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
  ): Promise<readonly EventEnvelope[]> {
    // The same checks, in the same order, as the DynamoDB adapter: a malformed envelope or a
    // nonsense expected version is refused here too, rather than stored for a reader to trip on.
    const checked = envelopesToAppend(streamId, expectedVersion, events);
    if (checked.length === 0) return [];
    const stream = this.streams.get(streamId) ?? [];
    if (stream.length !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion);
    const stored = structuredClone(checked);
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
