import { FakeClock, SequentialIds } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryEventStore } from '../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import type { EventEnvelope, NewEvent } from '../../src/domain/shared/envelope.js';
import type { EventStore, StreamSlice } from '../../src/application/ports/event-store.port.js';
import type { Sleeper } from '../../src/application/ports/sleeper.port.js';

/** An event store that records every call, around the in-memory one; `beforeAppend` can interfere. */
export class RecordingStore implements EventStore {
  readonly reads: { streamId: string; afterVersion: number; returned: number }[] = [];
  readonly appends: { streamId: string; expectedVersion: number; count: number }[] = [];
  beforeAppend: (streamId: string, expectedVersion: number) => Promise<void> = async () => {};

  constructor(readonly inner: InMemoryEventStore = new InMemoryEventStore()) {}

  async read(streamId: string, afterVersion = 0): Promise<StreamSlice> {
    const slice = await this.inner.read(streamId, afterVersion);
    this.reads.push({ streamId, afterVersion, returned: slice.events.length });
    return slice;
  }

  async append(
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
  ): Promise<readonly EventEnvelope[]> {
    this.appends.push({ streamId, expectedVersion, count: events.length });
    await this.beforeAppend(streamId, expectedVersion);
    return this.inner.append(streamId, expectedVersion, events);
  }
}

/**
 * The fake clock as sleeper, recording each sleep, with jitter drawn from `random`. After
 * advancing the clock it yields to the event loop about once per simulated millisecond, so
 * that concurrent retriers with different jitter really resume in a different order.
 */
export class RecordingSleeper implements Sleeper {
  readonly sleeps: number[] = [];
  constructor(
    readonly clock: FakeClock,
    readonly random: () => number = () => clock.random(),
    private readonly yieldsPerMs = 0,
  ) {}

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    await this.clock.sleep(ms);
    for (let i = 0; i < Math.ceil(ms * this.yieldsPerMs); i++) await Promise.resolve();
  }
}

export const handlerDeps = (store: EventStore, options: { yieldsPerMs?: number; random?: () => number } = {}) => {
  const clock = new FakeClock(1_000);
  const sleeper = new RecordingSleeper(clock, options.random, options.yieldsPerMs);
  return { store, clock, sleeper, ids: new SequentialIds('evt') };
};
