import { readFileSync } from 'node:fs';

/**
 * Milliseconds this process's main thread (the event loop) has spent runnable but waiting for
 * a core, from Linux's /proc/self/schedstat (second field, ns); null elsewhere. Over a window
 * it tells contention apart from slowness: a loop that waited 40 % of the window for a CPU was
 * starved by other processes, not slow by itself.
 */
export const runQueueWaitMs = (): number | null => {
  try {
    const fields = readFileSync('/proc/self/schedstat', 'utf8').trim().split(/\s+/);
    const waitedNs = Number(fields[1]);
    return Number.isFinite(waitedNs) ? waitedNs / 1e6 : null;
  } catch {
    return null;
  }
};
