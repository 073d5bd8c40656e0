import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulatePresence, type SimulationPlan, type SimulationResult } from './presence-simulation.js';

/**
 * Tick period + recount throttle + publish interval: how long after an expiry the published count may still show it.
 *
 * The plans keep lateMaxSeconds + pollMaxMs + (5 s + 2 × jitter) within the 15 s TTL: then some
 * beat of every live session is always stored and unexpired, so an exact count is possible and
 * anything else is a defect, not bad luck.
 */
const NOTICE_MS = 3_000;

/** The G5 claims, as checks over a simulation's samples and the channel's stored events. */
const checkPresence = async (plan: SimulationPlan, result: SimulationResult, noticeMs = NOTICE_MS) => {
  const { players: n, stopping: k } = plan;
  const ttl = result.world.settings.ttlMs;
  expect(result.steady.length).toBe(Math.ceil(plan.steadyMs / 1000));
  // No flicker: every steady sample shows exactly N, published and stored alike.
  expect(result.steady.filter((s) => s.published !== n || s.stored !== n)).toEqual([]);

  const firstExpiry = Math.min(...result.lastBeatsOfStopped, Infinity) + ttl;
  const lastExpiry = Math.max(...result.lastBeatsOfStopped, -Infinity) + ttl;
  const published = result.after.map((s) => s.published);
  expect(published.every((c) => c >= n - k && c <= n)).toBe(true);
  // Monotone: once a stopped viewer is gone it never comes back.
  expect(published.every((c, i) => i === 0 || c <= (published[i - 1] as number))).toBe(true);
  // Not before a stopped session's TTL has run out…
  expect(result.after.filter((s) => s.at < firstExpiry && s.published !== n)).toEqual([]);
  // …and gone once the last one has (plus the time to notice and publish).
  const settled = result.after.filter((s) => s.at >= lastExpiry + noticeMs);
  expect(settled.length).toBeGreaterThan(0);
  expect(settled.filter((s) => s.published !== n - k || s.stored !== n - k)).toEqual([]);
  const dropped = result.after.find((s) => s.published === n - k);

  // VIEWER_COUNT_CHANGED only on a change, and at most once a second per channel.
  const events = await result.world.viewerCountEvents();
  events.forEach((e, i) => {
    if (i === 0) return;
    const previous = events[i - 1] as (typeof events)[number];
    expect(e.count).not.toBe(previous.count);
    expect(e.asOf - previous.asOf).toBeGreaterThanOrEqual(1_000);
    expect(e.occurredAt - previous.occurredAt).toBeGreaterThanOrEqual(1_000);
  });
  const duringSteady = events.filter((e) => e.asOf >= result.steady[0]!.at && e.asOf < result.stoppedAt);
  expect(duringSteady).toEqual([]);
  return { droppedAfterStopMs: (dropped?.at ?? Infinity) - result.stoppedAt, droppedAfterLastBeatMs: (dropped?.at ?? Infinity) - lastExpiry + ttl, ttlMs: ttl };
};

const report = (label: string, drop: Awaited<ReturnType<typeof checkPresence>>) =>
  console.info(
    `[presence] ${label}: count dropped ${drop.droppedAfterStopMs / 1000} s after the players stopped, ` +
      `${drop.droppedAfterLastBeatMs / 1000} s after their last beat (TTL ${drop.ttlMs / 1000} s)`,
  );

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
    console.info(`[presence] 500 players, ${result.beatsSent} beats over ${(p.warmupMs + p.steadyMs + p.afterMs) / 1000} simulated s in ${Math.round(performance.now() - started)} ms`);
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
