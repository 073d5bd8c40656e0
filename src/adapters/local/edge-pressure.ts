import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface EdgePressureOptions {
  /** The edge counts as busy while a request arrived within this many ms… Default 20. */
  readonly recentMs?: number;
  /** …and the event loop was busier than this share of the time since the last look. Default 0.7. */
  readonly utilization?: number;
  /** A paced consumer waits at most this long before its next batch, busy or not (it never stops). Default 50. */
  readonly maxDeferMs?: number;
  /** How often a waiting consumer looks again. Default 10 ms. */
  readonly checkEveryMs?: number;
}

/**
 * Gives the local runtime's HTTP edge the process's CPU first during a request spike.
 *
 * On AWS the booking queue's consumer is another Lambda: a spike of POSTs never waits for the
 * decisions. The local runtime runs both on one event loop, so a consumer deciding while
 * requests pour in takes its CPU from the accept path — the queue no longer absorbs the spike,
 * it slows it. A consumer paced by `pace()` waits, before taking its next batch, while the edge
 * is busy: a request arrived in the last `recentMs` and the loop was more than `utilization`
 * busy. It never waits more than `maxDeferMs` in a row, so a sustained flood still gets its
 * decisions (at one batch per loop per `maxDeferMs`); once requests stop, it runs flat out.
 *
 * Hand-written: this is a scheduling rule of the local runtime, not a general rate limiter.
 */
export class EdgePressure {
  private lastRequestAt = Number.NEGATIVE_INFINITY;
  private lastLook: EventLoopUtilization = performance.eventLoopUtilization();
  private lastUtilization = 0;
  private lastLookAt = performance.now();
  private readonly recentMs: number;
  private readonly utilization: number;
  private readonly maxDeferMs: number;
  private readonly checkEveryMs: number;
  private deferredMs = 0;

  constructor(options: EdgePressureOptions = {}) {
    this.recentMs = options.recentMs ?? 20;
    this.utilization = options.utilization ?? 0.7;
    this.maxDeferMs = options.maxDeferMs ?? 50;
    this.checkEveryMs = options.checkEveryMs ?? 10;
  }

  /** The edge calls this for every request it starts. */
  requestArrived(): void {
    this.lastRequestAt = performance.now();
  }

  /** True while requests arrive and the event loop is mostly busy. */
  busy(): boolean {
    const now = performance.now();
    if (now - this.lastRequestAt > this.recentMs) return false;
    // Utilization over at least a few ms, so two consumers looking at once read the same figure.
    if (now - this.lastLookAt >= this.checkEveryMs) {
      const look = performance.eventLoopUtilization();
      this.lastUtilization = performance.eventLoopUtilization(look, this.lastLook).utilization;
      this.lastLook = look;
      this.lastLookAt = now;
    }
    return this.lastUtilization > this.utilization;
  }

  /** What a consumer awaits before each batch: resolves at once when the edge is quiet. */
  readonly pace = async (): Promise<void> => {
    if (!this.busy()) return;
    const started = performance.now();
    do {
      await new Promise((resolve) => setTimeout(resolve, this.checkEveryMs));
    } while (this.busy() && performance.now() - started < this.maxDeferMs);
    this.deferredMs += performance.now() - started;
  };

  /** Milliseconds consumers spent waiting for the edge, summed (the progress line, /api/status, tests). */
  get totalDeferredMs(): number {
    return this.deferredMs;
  }
}
