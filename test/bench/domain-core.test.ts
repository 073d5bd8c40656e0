import { describe, expect, it } from 'vitest';
import { createCastoreImplementation } from '../../bench/domain-core/castore.impl.js';
import { crossCheck } from '../../bench/domain-core/cross-check.js';
import { createEmmettImplementation } from '../../bench/domain-core/emmett.impl.js';
import { readResults, runWorkload } from '../../bench/domain-core/run-workload.js';
import { createStampedeImplementation } from '../../bench/domain-core/stampede.impl.js';
import { DEFAULT_WORKLOAD, generateWorkload } from '../../bench/domain-core/workload.js';

// Small enough to run in the unit suite; the benchmark runs the same code at 1,000 × 50.
const workload = generateWorkload({ ...DEFAULT_WORKLOAD, seed: 7, auctions: 40, bidsPerAuction: 30 });

describe('domain-core workload', () => {
  it('is reproducible from its seed and differs across seeds', () => {
    expect(generateWorkload({ ...workload.spec }).commands).toEqual(workload.commands);
    expect(generateWorkload({ ...workload.spec, seed: 8 }).commands).not.toEqual(workload.commands);
  });

  it('mixes accepted, too-low and duplicate bids in roughly the configured shares', () => {
    const bids = workload.expectedOutcomes.slice(40, 40 + 40 * 30);
    const share = (c: string) => [...bids].filter((x) => x === c).length / bids.length;
    expect(share('R')).toBeGreaterThan(0.2);
    expect(share('R')).toBeLessThan(0.4);
    expect(share('D')).toBeGreaterThan(0);
    expect(share('D')).toBeLessThan(0.08);
    expect(workload.expectedResults.some((r) => r.outcome === 'SOLD')).toBe(true);
  });
});

describe.each([
  ['stampede', createStampedeImplementation],
  ['emmett', createEmmettImplementation],
  ['castore', createCastoreImplementation],
])('%s implementation of the auction rules', (_name, create) => {
  it('agrees with the reference model on every command and every closing price', async () => {
    const impl = create();
    const outcomes = await runWorkload(impl, workload);
    const results = await readResults(impl, workload);
    expect(() => crossCheck(workload, { implementation: impl.name, outcomes, results })).not.toThrow();
  });
});

describe('crossCheck', () => {
  it('names the first command an implementation got wrong', () => {
    const outcomes = `${workload.expectedOutcomes.slice(0, 50)}${workload.expectedOutcomes[50] === 'A' ? 'R' : 'A'}${workload.expectedOutcomes.slice(51)}`;
    expect(() =>
      crossCheck(workload, { implementation: 'broken', outcomes, results: workload.expectedResults }),
    ).toThrow(/broken disagrees .* command #50/);
  });

  it('catches a wrong winner even when every outcome matches', () => {
    const results = workload.expectedResults.map((r, i) => (i === 3 ? { ...r, price: (r.price ?? 0) + 1 } : r));
    expect(() =>
      crossCheck(workload, { implementation: 'broken', outcomes: workload.expectedOutcomes, results }),
    ).toThrow(/closed auction a3/);
  });
});
