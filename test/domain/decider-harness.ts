import fc from 'fast-check';
import { expect } from 'vitest';
import { fold, type Decider, type DomainEvent } from '../../src/domain/shared/decider.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { PersistentMap, PersistentSet } from '../../src/domain/shared/persistent-map.js';

/**
 * A state as a string, for cheap deep comparison: maps and sets become their entries (sorted,
 * so that two maps with the same content compare equal whatever their insertion order).
 */
export const canonical = (state: unknown): string =>
  JSON.stringify(state, (_key, value: unknown) => {
    if (value instanceof Map || value instanceof PersistentMap)
      return { entries: [...value.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
    if (value instanceof Set || value instanceof PersistentSet) return { values: [...value].sort() };
    return value;
  });

/** One command applied to a state: the events it produced, or the domain error it raised. */
export interface Step<C, E, S> {
  readonly command: C;
  readonly before: S;
  readonly after: S;
  readonly events: readonly E[];
  readonly error: DomainError | null;
}

/** A command, or a recipe that builds one from the current state (to aim amounts at the rules' edges). */
export type CommandRecipe<C, S> = C | ((state: S) => C);

/**
 * Runs commands the way the command handler does (decide, then evolve each event), keeping
 * every intermediate state. A `DomainError` leaves the state unchanged; any other error is a bug
 * and propagates.
 */
export const runCommands = <C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  recipes: readonly CommandRecipe<C, S>[],
): Step<C, E, S>[] => {
  const steps: Step<C, E, S>[] = [];
  let state = decider.initialState;
  for (const recipe of recipes) {
    const command = typeof recipe === 'function' ? (recipe as (s: S) => C)(state) : recipe;
    try {
      const events = decider.decide(command, state);
      const after = fold(decider, state, events);
      steps.push({ command, before: state, after, events, error: null });
      state = after;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      steps.push({ command, before: state, after: state, events: [], error });
    }
  }
  return steps;
};

export const eventsOf = <E>(steps: readonly Step<unknown, E, unknown>[]): E[] => steps.flatMap((s) => s.events);

/** Repeating a command right after it took effect yields no events (queues deliver at least once). */
export const expectRepeatsYieldNothing = <C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  steps: readonly Step<C, E, S>[],
): void => {
  for (const step of steps) {
    if (step.events.length === 0) continue;
    expect(decider.decide(step.command, step.after), `repeating ${JSON.stringify(step.command)}`).toEqual([]);
  }
};

/**
 * Folding in chunks gives the state of folding at once, and no later evolve changed an earlier
 * state (a cached state must stay valid while the stream grows past it).
 */
export const expectReplayIsStable = <C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  steps: readonly Step<C, E, S>[],
  cuts: readonly number[],
): void => {
  const events = eventsOf(steps);
  const whole = fold(decider, decider.initialState, events);
  const bounds = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
  let chunked = decider.initialState;
  let from = 0;
  for (const to of [...bounds, events.length]) {
    chunked = fold(decider, chunked, events.slice(from, to));
    from = to;
  }
  expect(canonical(chunked)).toBe(canonical(whole));
  expect(canonical(steps.at(-1)?.after ?? decider.initialState)).toBe(canonical(whole));
  let replayed = decider.initialState;
  for (const step of steps) {
    replayed = fold(decider, replayed, step.events);
    expect(canonical(step.after)).toBe(canonical(replayed));
  }
};

/** Cut points for `expectReplayIsStable`. */
export const cutPoints = fc.array(fc.nat({ max: 200 }), { maxLength: 8 });

/** Properties run at least this many cases (project rule: ≥ 200). */
export const RUNS = { numRuns: 300 } as const;
