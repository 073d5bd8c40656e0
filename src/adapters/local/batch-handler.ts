/** What a Lambda batch handler may return (`ReportBatchItemFailures`); void means all succeeded. */
export interface BatchResponse {
  readonly batchItemFailures?: ReadonlyArray<{ readonly itemIdentifier: string }>;
}

export type BatchHandler<E> = (event: E) => Promise<BatchResponse | void | undefined>;

/** Thrown by the emulation to stand for an invocation that died mid-batch (timeout, OOM, crash). */
export class InjectedCrashError extends Error {
  override readonly name = 'InjectedCrashError';
}

/** A promise-based wait that can be cut short: pollers sleep on it and are woken by appends or stop(). */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  wake(): void {
    for (const done of [...this.waiters]) done();
  }
}

/**
 * Resolves in a later turn of the event loop, after its poll phase. The in-process event sources
 * await it between invocations: over in-memory queues and streams an invocation never waits for
 * I/O, so without it a backlog is worked off as one unbroken chain of promise callbacks (the
 * consumer's appends wake the stream sources, whose work wakes the next…) and no socket is read
 * until the whole backlog is gone — seen as an HTTP edge frozen for 900 ms while a booking
 * consumer caught up on a burst. On AWS every invocation is its own Lambda call; here each one
 * is at least its own macrotask, so the edge's requests are read between any two of them.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Counters every event source keeps, for the local runtime's progress line and tests. */
export interface EventSourceStats {
  readonly invocations: number;
  readonly records: number;
  readonly failedInvocations: number;
  readonly injectedCrashes: number;
  readonly injectedDuplicates: number;
  /** Records given up: sent to the on-failure destination / DLQ. */
  readonly discarded: number;
  /** Records not yet processed (streams: behind the checkpoint; queues: visible + in flight). */
  readonly backlog: number;
}

/** An event source's counters before its first batch (`backlog` comes from where its records wait). */
export const noActivity = () => ({
  invocations: 0,
  records: 0,
  failedInvocations: 0,
  injectedCrashes: 0,
  injectedDuplicates: 0,
  discarded: 0,
});
