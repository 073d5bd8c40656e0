import fc from 'fast-check';
import { expect } from 'vitest';
import type { EventDefinition, EventSerializer } from '../../src/domain/shared/codec.js';
import type { DomainEvent } from '../../src/domain/shared/decider.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { UnreadableEventError } from '../../src/domain/shared/faults.js';
import { RUNS } from './decider-harness.js';

/** Through the codec and a JSON store (DynamoDB and Kinesis both carry JSON) and back. */
export const roundTrip = <E extends DomainEvent>(codec: EventSerializer<E>, event: E): E =>
  codec.decode(JSON.parse(JSON.stringify(codec.encode(event))) as ReturnType<EventSerializer<E>['encode']>);

/**
 * Every event type of an aggregate has an arbitrary, and every generated event survives the
 * round trip unchanged and is stamped with its type's current schema version.
 */
export const expectEveryEventRoundTrips = <E extends DomainEvent>(
  codec: EventSerializer<E>,
  definitions: readonly EventDefinition[],
  arbitraries: { readonly [type: string]: fc.Arbitrary<E> },
): void => {
  expect(Object.keys(arbitraries).sort()).toEqual(definitions.map((d) => d.type).sort());
  const versionOf = new Map(definitions.map((d) => [d.type, d.schemaVersion]));
  fc.assert(
    fc.property(fc.oneof(...Object.values(arbitraries)), (event) => {
      expect(codec.encode(event).schemaVersion).toBe(versionOf.get(event.type));
      expect(roundTrip(codec, event)).toEqual(event);
    }),
    { numRuns: RUNS.numRuns * 2 },
  );
};

/** A stored event that cannot be read is a fault with a stable code, never a rule violation (DomainError). */
export const expectDecodeFails = (run: () => unknown, code: string): void => {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UnreadableEventError);
  expect(caught).not.toBeInstanceOf(DomainError);
  expect((caught as UnreadableEventError).code).toBe(code);
};
