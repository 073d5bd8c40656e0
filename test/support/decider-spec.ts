import { expect } from 'vitest';
import { fold, type Decider, type DomainEvent } from '../../src/domain/shared/decider.js';
import { DomainError } from '../../src/domain/shared/errors.js';

/**
 * Given/when/then for deciders: `given(events).when(command).then(expectedEvents)` or
 * `.thenFails(code)`. Reads like the rule it checks.
 */
export const deciderSpec = <C, E extends DomainEvent, S>(decider: Decider<C, E, S>) => ({
  given: (events: readonly E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, fold(decider, decider.initialState, events));
      return {
        then: (expected: readonly E[]) => expect(run()).toEqual(expected),
        thenNothingHappens: () => expect(run()).toEqual([]),
        thenFails: (code: string) => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught, `expected DomainError ${code}`).toBeInstanceOf(DomainError);
          expect((caught as DomainError).code).toBe(code);
        },
      };
    },
  }),
});
