/**
 * Runs queued tasks in turns of the event loop, each turn doing at most `budgetMs` of work
 * before yielding with `setImmediate`, so timers and I/O get their turn between batches.
 *
 * Why: a burst of thousands of WebSocket handshakes (a live show starting) arrives within one
 * poll phase; handled as it arrives, every $connect, upgrade and `join` runs back to back and the
 * loop stalls for seconds — the timers of every other connection, the pollers and the HTTP API
 * all wait behind it. Queued here, they are handled in arrival order in slices of a few
 * milliseconds. Hand-written because it is a dozen lines and no scheduler package does this
 * slicing by elapsed time with order kept.
 */
export class TurnBudget {
  private readonly queue: Array<() => void> = [];
  private head = 0;
  private scheduled = false;

  constructor(private readonly budgetMs = 8) {}

  /** Runs `task` in a later turn (in submission order); settles with its result. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        try {
          Promise.resolve(task()).then(resolve, reject);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.drain);
      }
    });
  }

  /** Tasks waiting for a turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  private readonly drain = (): void => {
    const deadline = performance.now() + this.budgetMs;
    do {
      const task = this.queue[this.head];
      this.queue[this.head++] = undefined as unknown as () => void;
      task?.();
    } while (this.head < this.queue.length && performance.now() < deadline);
    if (this.head >= this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      this.scheduled = false;
    } else setImmediate(this.drain);
  };
}
