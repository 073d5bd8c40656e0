import type { BlobStore } from '../ports/blob-store.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { BookingStats } from './booking-stats.js';

export interface StatsPublisherOptions {
  /** Object key of the published file (the page polls it). */
  readonly key: string;
  /** At most one write per this many ms per instance; S3 keeps the last write. Default 1 s. */
  readonly minIntervalMs?: number;
}

/**
 * Publishes `stats.json` after processing, throttled by the Clock (no timers): a batch within
 * the interval marks the figures dirty instead of writing, and the next batch after the
 * interval, or `flush()` from a periodic tick, writes them. The figures are read from the
 * counters at write time, so whichever instance writes last publishes the newest totals.
 */
export class StatsPublisher {
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly minIntervalMs: number;

  constructor(
    private readonly blobs: BlobStore,
    private readonly readStats: () => Promise<BookingStats>,
    private readonly clock: Clock,
    private readonly options: StatsPublisherOptions,
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 1_000;
  }

  /** Call after a batch changed the counters: writes now if the interval has passed. */
  async changed(): Promise<boolean> {
    this.dirty = true;
    if (this.clock.now() - this.lastWriteAt < this.minIntervalMs) return false;
    await this.write();
    return true;
  }

  /** Writes pending figures regardless of the interval (a periodic tick, shutdown). */
  async flush(): Promise<boolean> {
    if (!this.dirty) return false;
    await this.write();
    return true;
  }

  private write(): Promise<void> {
    // One write at a time per instance, so two overlapping batches cannot publish out of order.
    const run = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      this.lastWriteAt = this.clock.now();
      try {
        const stats = await this.readStats();
        const body = JSON.stringify({ ...stats, updatedAt: this.clock.now() });
        await this.blobs.put(this.options.key, body, 'application/json');
      } catch (error) {
        this.dirty = true; // keep the figures pending so the next batch or tick retries
        throw error;
      }
    });
    // The chain must survive a failed write, or every later write would be skipped.
    this.writing = run.catch(() => undefined);
    return run;
  }
}
