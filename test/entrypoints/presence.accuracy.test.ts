import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPresence, report } from './presence-checks.js';
import { simulatePresence, type SimulationPlan } from './presence-simulation.js';

const plan = (overrides: Partial<SimulationPlan>): SimulationPlan => ({
  players: 5,
  seed: 1,
  jitterMs: 1_000,
  duplicateRate: 0.2,
  lateRate: 0.3,
  lateMaxSeconds: 5,
  pollMaxMs: 2_000,
  warmupMs: 12_000,
  steadyMs: 60_000,
  stopping: 2,
  afterMs: 30_000,
  ...overrides,
});

describe('presence accuracy (F5, G5) through the emulated standard queue and the presence handler', () => {
  it('five players: exactly 5 for 60 s despite jitter, duplicates and reordering; 3 within the TTL after two stop', async () => {
    const p = plan({ players: 5, stopping: 2 });
    const result = await simulatePresence(p);
    const drop = await checkPresence(p, result);
    report('5 players, 2 stop', drop);
    expect(drop.droppedAfterStopMs).toBeLessThanOrEqual(drop.ttlMs);
    expect(result.world.queue.counts().total).toBeLessThan(10); // drained, bar the pending follow-up recounts
  });

  it('five hundred players: exactly 500 for 60 s; 450 after fifty stop', async () => {
    const p = plan({ players: 500, stopping: 50, seed: 7, duplicateRate: 0.1 });
    const started = performance.now();
    const result = await simulatePresence(p);
    const drop = await checkPresence(p, result);
    report('500 players, 50 stop', drop);
    expect(drop.droppedAfterStopMs).toBeLessThanOrEqual(drop.ttlMs);
    console.info(
      `[presence] 500 players, ${result.beatsSent} beats over ${(p.warmupMs + p.steadyMs + p.afterMs) / 1000} simulated s in ${Math.round(performance.now() - started)} ms`,
    );
  });

  it('everyone leaving is noticed with no beat left to trigger a count', async () => {
    const p = plan({ players: 4, stopping: 4, steadyMs: 10_000 });
    const result = await simulatePresence(p);
    await checkPresence(p, result);
    expect(result.after.at(-1)?.published).toBe(0);
  });

  it('without the local tick (as in AWS), the delayed recount messages notice that everyone left', async () => {
    const p = plan({ players: 6, stopping: 6, steadyMs: 10_000, tick: false });
    const result = await simulatePresence(p);
    const { expirySlackMs, minPublishIntervalMs } = result.world.settings;
    // The follow-up is due TTL + slack after the last count, rounded up to whole seconds, then waits for a poll.
    await checkPresence(p, result, expirySlackMs + 1_000 + p.pollMaxMs + minPublishIntervalMs);
    expect(result.after.at(-1)?.published).toBe(0);
  });

  it('property: for random schedules, the count is exact after warm-up and drops by k within the TTL (200 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          players: fc.integer({ min: 1, max: 12 }),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          jitterMs: fc.integer({ min: 0, max: 1_000 }),
          duplicateRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
          lateRate: fc.double({ min: 0, max: 0.6, noNaN: true }),
          lateMaxSeconds: fc.integer({ min: 1, max: 5 }),
          pollMaxMs: fc.integer({ min: 200, max: 2_000 }),
          stoppingShare: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        async (r) => {
          const p = plan({
            players: r.players,
            seed: r.seed,
            jitterMs: r.jitterMs,
            duplicateRate: r.duplicateRate,
            lateRate: r.lateRate,
            lateMaxSeconds: r.lateMaxSeconds,
            pollMaxMs: r.pollMaxMs,
            stopping: Math.floor(r.stoppingShare * r.players),
            steadyMs: 20_000,
            afterMs: 22_000,
          });
          await checkPresence(p, await simulatePresence(p));
        },
      ),
      { numRuns: 200 },
    );
  });
});
