import type { AuctionResult, Workload } from './workload.js';

export interface ImplementationRun {
  readonly implementation: string;
  /** One letter per command: A accepted, R rejected, D duplicate. */
  readonly outcomes: string;
  readonly results: readonly AuctionResult[];
}

/** Throws, naming the first disagreement: a fast wrong answer is not a result. */
export const crossCheck = (workload: Workload, run: ImplementationRun): void => {
  if (run.outcomes !== workload.expectedOutcomes) {
    let i = 0;
    while (i < workload.expectedOutcomes.length && run.outcomes[i] === workload.expectedOutcomes[i]) i++;
    throw new Error(
      `${run.implementation} disagrees with the reference model at command #${i} ${JSON.stringify(workload.commands[i])}: ` +
        `got ${run.outcomes[i] ?? 'nothing'}, expected ${workload.expectedOutcomes[i] ?? 'nothing'} (A accepted, R rejected, D duplicate)`,
    );
  }
  workload.expectedResults.forEach((expected, k) => {
    const got = run.results[k];
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new Error(
        `${run.implementation} closed auction ${expected.auctionId} as ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`,
      );
    }
  });
};
