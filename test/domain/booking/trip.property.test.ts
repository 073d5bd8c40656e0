import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingOutcome, tripDecider, type TripCommand, type TripState } from '../../../src/domain/booking/index.js';
import {
  cutPoints,
  eventsOf,
  expectRepeatsYieldNothing,
  expectReplayIsStable,
  runCommands,
  RUNS,
} from '../decider-harness.js';
import { tripRun } from './trip.arbitraries.js';

/** The seat invariant, checked from the outcomes (not from the seat array the decider uses). */
const expectSeatsConsistent = (state: TripState): void => {
  if (state.status === 'NONE') return;
  const held = new Map<number, string>();
  for (const outcome of state.requests.values()) {
    if (outcome.status !== 'CONFIRMED') continue;
    for (const seat of outcome.seatNumbers) {
      expect(held.has(seat), `seat ${seat} given to ${held.get(seat)} and ${outcome.requestId}`).toBe(false);
      expect(seat).toBeGreaterThanOrEqual(1);
      expect(seat).toBeLessThanOrEqual(state.terms.capacity);
      held.set(seat, outcome.requestId);
    }
  }
  expect(held.size).toBeLessThanOrEqual(state.terms.capacity);
  expect(state.freeSeats).toBe(state.terms.capacity - held.size);
  state.seats.forEach((holder, i) => expect(holder).toBe(held.get(i + 1) ?? null));
};

describe('Trip properties', () => {
  it('confirmed seats never exceed capacity and no seat is held by two active bookings', () => {
    fc.assert(
      fc.property(tripRun, (commands) => {
        for (const step of runCommands(tripDecider, commands)) expectSeatsConsistent(step.after);
      }),
      RUNS,
    );
  });

  it('each request id gets exactly one recorded outcome, and asking again yields nothing ever after', () => {
    fc.assert(
      fc.property(tripRun, (commands) => {
        const steps = runCommands(tripDecider, commands);
        const outcomes = new Map<string, number>();
        const decided = new Map<string, TripCommand>();
        for (const step of steps) {
          for (const [, command] of decided) expect(tripDecider.decide(command, step.after)).toEqual([]);
          for (const e of step.events) {
            if (e.type === 'BookingConfirmed' || e.type === 'BookingRejected')
              outcomes.set(e.data.requestId, (outcomes.get(e.data.requestId) ?? 0) + 1);
          }
          if (step.command.type === 'RequestBooking' && !step.error) {
            expect(bookingOutcome(step.after, step.command.requestId)).not.toBeNull();
            decided.set(step.command.requestId, step.command);
          }
        }
        for (const count of outcomes.values()) expect(count).toBe(1);
      }),
      RUNS,
    );
  });

  it('a request is confirmed with the lowest free seats, or rejected for the right reason', () => {
    fc.assert(
      fc.property(tripRun, (commands) => {
        for (const { command, before, events } of runCommands(tripDecider, commands)) {
          if (command.type !== 'RequestBooking' || before.status === 'NONE' || events.length === 0) continue;
          const [event] = events;
          const closed = before.status === 'SALES_CLOSED' || command.at >= before.terms.departsAt;
          const validCount =
            Number.isInteger(command.seats) && command.seats >= 1 && command.seats <= before.terms.maxSeatsPerBooking;
          const expected = closed
            ? 'SALES_CLOSED'
            : !validCount
              ? 'INVALID_SEAT_COUNT'
              : before.freeSeats === 0
                ? 'SOLD_OUT'
                : before.freeSeats < command.seats
                  ? 'NOT_ENOUGH_SEATS'
                  : 'CONFIRMED';
          if (expected === 'CONFIRMED') {
            const lowest = before.seats
              .flatMap((holder, i) => (holder === null ? [i + 1] : []))
              .slice(0, command.seats);
            expect(event).toMatchObject({ type: 'BookingConfirmed', data: { seatNumbers: lowest } });
          } else {
            expect(event).toMatchObject({ type: 'BookingRejected', data: { reason: expected } });
          }
        }
      }),
      RUNS,
    );
  });

  it('nothing is confirmed once sales closed', () => {
    fc.assert(
      fc.property(tripRun, (commands) => {
        const types = eventsOf(runCommands(tripDecider, commands)).map((e) => e.type);
        const closedAt = types.indexOf('SalesClosed');
        if (closedAt !== -1) expect(types.slice(closedAt).includes('BookingConfirmed')).toBe(false);
      }),
      RUNS,
    );
  });

  it('repeating an applied command yields nothing', () => {
    fc.assert(
      fc.property(tripRun, (commands) => expectRepeatsYieldNothing(tripDecider, runCommands(tripDecider, commands))),
      RUNS,
    );
  });

  it('replay gives the same state whatever the batch boundaries, and never alters an earlier state', () => {
    fc.assert(
      fc.property(tripRun, cutPoints, (commands: TripCommand[], cuts) =>
        expectReplayIsStable(tripDecider, runCommands(tripDecider, commands), cuts),
      ),
      RUNS,
    );
  });
});
