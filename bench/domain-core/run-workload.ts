import type { SampleBuffer } from '../lib/stats.js';
import { OUTCOME_CODE, type AuctionImplementation, type AuctionResult, type Workload } from './workload.js';

/**
 * Runs every command of the workload, one at a time, timing each when `latencies` is given.
 * Returns the outcome letters; the same loop serves the measured workers and the tests.
 */
export const runWorkload = async (
  impl: AuctionImplementation,
  workload: Workload,
  opts: { latencies?: SampleBuffer; onProgress?: (done: number, total: number) => void } = {},
): Promise<string> => {
  const { latencies, onProgress } = opts;
  const total = workload.commands.length;
  const outcomes: string[] = new Array<string>(total);
  const every = Math.max(1, Math.floor(total / 10));
  for (let i = 0; i < total; i++) {
    const command = workload.commands[i]!;
    const t0 = performance.now();
    const outcome = await impl.execute(command);
    if (latencies) latencies.push(performance.now() - t0);
    outcomes[i] = OUTCOME_CODE[outcome];
    if (onProgress && i % every === 0) onProgress(i, total);
  }
  return outcomes.join('');
};

/** Each auction's closing figures as the implementation stored them (read after the timed loop). */
export const readResults = async (impl: AuctionImplementation, workload: Workload): Promise<AuctionResult[]> => {
  const results: AuctionResult[] = [];
  for (const r of workload.expectedResults) results.push(await impl.result(r.auctionId));
  return results;
};
