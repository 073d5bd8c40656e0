import os from 'node:os';

/**
 * Other work on a 2-core machine (a test run, a type-check, an emulator) halves a figure
 * without a trace. Before each benchmark, wait until the 1-minute load average falls under
 * `threshold` (default: 0.75 × cores), for at most `maxWaitMs`; the load seen is recorded with
 * the figures either way.
 */
export const waitForQuietMachine = async (opts: {
  readonly maxWaitMs: number;
  readonly threshold?: number;
  readonly progress: (text: string) => void;
}): Promise<{ load: number; waitedMs: number; quiet: boolean }> => {
  const threshold = opts.threshold ?? os.availableParallelism() * 0.75;
  const t0 = Date.now();
  for (;;) {
    const load = os.loadavg()[0] ?? 0;
    const waitedMs = Date.now() - t0;
    if (load <= threshold) return { load, waitedMs, quiet: true };
    if (waitedMs >= opts.maxWaitMs) return { load, waitedMs, quiet: false };
    opts.progress(
      `waiting for a quiet machine: load ${load.toFixed(2)} > ${threshold.toFixed(2)} (${Math.round(waitedMs / 1000)}/${Math.round(opts.maxWaitMs / 1000)} s)`,
    );
    await new Promise((r) => setTimeout(r, 2_000));
  }
};
