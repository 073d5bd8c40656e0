import { expect } from 'vitest';
import type { Sample, SimulationPlan } from './presence-simulation.js';

/** What the checks read from a run, whichever presence path produced it. */
export interface CheckedRun {
  readonly steady: readonly Sample[];
  readonly after: readonly Sample[];
  readonly lastBeatsOfStopped: readonly number[];
  readonly stoppedAt: number;
  readonly world: {
    readonly settings: { readonly ttlMs: number };
    viewerCountEvents(): Promise<
      ReadonlyArray<{ readonly count: number; readonly asOf: number; readonly occurredAt: number }>
    >;
  };
}

/**
 * Tick period + recount throttle + publish interval: how long after an expiry the published count may still show it.
 *
 * The plans keep lateMaxSeconds + pollMaxMs + (5 s + 2 × jitter) within the 15 s TTL: then some
 * beat of every live session is always stored and unexpired, so an exact count is possible and
 * anything else is a defect, not bad luck.
 */
export const NOTICE_MS = 3_000;

/** The G5 claims, as checks over a simulation's samples and the channel's stored events. */
export const checkPresence = async (plan: SimulationPlan, result: CheckedRun, noticeMs = NOTICE_MS) => {
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
  return {
    droppedAfterStopMs: (dropped?.at ?? Infinity) - result.stoppedAt,
    droppedAfterLastBeatMs: (dropped?.at ?? Infinity) - lastExpiry + ttl,
    ttlMs: ttl,
  };
};

export const report = (label: string, drop: Awaited<ReturnType<typeof checkPresence>>) =>
  console.info(
    `[presence] ${label}: count dropped ${drop.droppedAfterStopMs / 1000} s after the players stopped, ` +
      `${drop.droppedAfterLastBeatMs / 1000} s after their last beat (TTL ${drop.ttlMs / 1000} s)`,
  );
