import { describe, expect, it } from 'vitest';
import { bookingOutcome, freeSeatCount, tripDecider, type TripEvent } from '../../../src/domain/booking/index.js';
import { fold } from '../../../src/domain/shared/decider.js';
import { deciderSpec } from '../../support/decider-spec.js';
import {
  cancelBooking,
  cancelled,
  confirmed,
  rejected,
  requestBooking,
  salesClosed,
  scheduleTrip,
  tripScheduled,
} from './trip.fixtures.js';

const spec = deciderSpec(tripDecider);
const stateAfter = (events: readonly TripEvent[]) => fold(tripDecider, tripDecider.initialState, events);
const trip = [tripScheduled()];

describe('Trip: scheduling', () => {
  it('schedules a trip', () => {
    spec.given([]).when(scheduleTrip).then([tripScheduled()]);
  });
  it('scheduling again with the same terms yields nothing', () => {
    spec.given(trip).when(scheduleTrip).thenNothingHappens();
  });
  it('scheduling again with other terms fails with TRIP_ALREADY_SCHEDULED', () => {
    spec
      .given(trip)
      .when({ ...scheduleTrip, capacity: 40 })
      .thenFails('TRIP_ALREADY_SCHEDULED');
  });
  it.each([
    ['no seats', { capacity: 0 }],
    ['more than 1,000 seats', { capacity: 1001 }],
    ['a zero booking limit', { maxSeatsPerBooking: 0 }],
    ['an empty route', { route: '' }],
  ])('refuses a trip with %s: INVALID_TRIP', (_name, change) => {
    spec
      .given([])
      .when({ ...scheduleTrip, ...change })
      .thenFails('INVALID_TRIP');
  });
  it('a command on an unscheduled trip fails with TRIP_NOT_FOUND', () => {
    spec
      .given([])
      .when(requestBooking('r1', 'alice', 1))
      .thenFails('TRIP_NOT_FOUND');
    spec.given([]).when(cancelBooking('r1', 'alice')).thenFails('TRIP_NOT_FOUND');
    spec.given([]).when({ type: 'CloseSales', at: 1 }).thenFails('TRIP_NOT_FOUND');
  });
});

describe('Trip: booking', () => {
  it('confirms the lowest free seats', () => {
    spec
      .given(trip)
      .when(requestBooking('r1', 'alice', 2))
      .then([confirmed('r1', 'alice', [1, 2])]);
  });
  it('fills the holes left by cancellations first', () => {
    spec
      .given([...trip, confirmed('r1', 'alice', [1, 2]), confirmed('r2', 'bob', [3]), cancelled('r1', [1, 2])])
      .when(requestBooking('r3', 'carol', 2))
      .then([confirmed('r3', 'carol', [1, 2])]);
  });
  it('rejects with SOLD_OUT when no seat is left', () => {
    spec
      .given([...trip, confirmed('r1', 'alice', [1, 2]), confirmed('r2', 'bob', [3, 4])])
      .when(requestBooking('r3', 'carol', 1))
      .then([rejected('r3', 'carol', 'SOLD_OUT')]);
  });
  it('rejects with NOT_ENOUGH_SEATS when fewer seats are left than asked', () => {
    spec
      .given([...trip, confirmed('r1', 'alice', [1, 2]), confirmed('r2', 'bob', [3])])
      .when(requestBooking('r3', 'carol', 2))
      .then([rejected('r3', 'carol', 'NOT_ENOUGH_SEATS')]);
  });
  it.each([0, 3, 1.5, -1])('rejects %s seats with INVALID_SEAT_COUNT', (seats) => {
    spec
      .given(trip)
      .when(requestBooking('r1', 'alice', seats))
      .then([rejected('r1', 'alice', 'INVALID_SEAT_COUNT')]);
  });
  it('rejects with SALES_CLOSED after sales closed', () => {
    spec
      .given([...trip, salesClosed()])
      .when(requestBooking('r1', 'alice', 1, 400))
      .then([rejected('r1', 'alice', 'SALES_CLOSED', 400)]);
  });
  it('rejects with SALES_CLOSED once the bus has left', () => {
    spec
      .given(trip)
      .when(requestBooking('r1', 'alice', 1, 1_000_000))
      .then([rejected('r1', 'alice', 'SALES_CLOSED', 1_000_000)]);
  });
  it('the same request id again yields nothing after a confirmation', () => {
    spec
      .given([...trip, confirmed('r1', 'alice', [1])])
      .when(requestBooking('r1', 'alice', 1))
      .thenNothingHappens();
  });
  it('the same request id again yields nothing after a rejection, even if seats were freed since', () => {
    spec
      .given([
        ...trip,
        confirmed('r1', 'alice', [1, 2]),
        confirmed('r2', 'bob', [3, 4]),
        rejected('r3', 'carol', 'SOLD_OUT'),
        cancelled('r1', [1, 2]),
      ])
      .when(requestBooking('r3', 'carol', 1))
      .thenNothingHappens();
  });
  it('the same request id again yields nothing after a cancellation or the close of sales', () => {
    spec
      .given([...trip, confirmed('r1', 'alice', [1]), cancelled('r1', [1])])
      .when(requestBooking('r1', 'alice', 1))
      .thenNothingHappens();
    spec
      .given([...trip, confirmed('r1', 'alice', [1]), salesClosed()])
      .when(requestBooking('r1', 'alice', 1))
      .thenNothingHappens();
  });
});

describe('Trip: cancelling and closing', () => {
  it('the passenger cancels and the seats are released', () => {
    spec
      .given([...trip, confirmed('r1', 'alice', [1, 2])])
      .when(cancelBooking('r1', 'alice'))
      .then([cancelled('r1', [1, 2])]);
    expect(freeSeatCount(stateAfter([...trip, confirmed('r1', 'alice', [1, 2]), cancelled('r1', [1, 2])]))).toBe(4);
  });
  it('someone else cannot cancel: NOT_BOOKING_OWNER', () => {
    spec
      .given([...trip, confirmed('r1', 'alice', [1, 2])])
      .when(cancelBooking('r1', 'mallory'))
      .thenFails('NOT_BOOKING_OWNER');
  });
  it('cancelling an unknown request fails with BOOKING_NOT_FOUND', () => {
    spec.given(trip).when(cancelBooking('nope', 'alice')).thenFails('BOOKING_NOT_FOUND');
  });
  it('cancelling a rejected request fails with BOOKING_NOT_FOUND', () => {
    spec
      .given([...trip, rejected('r1', 'alice', 'INVALID_SEAT_COUNT')])
      .when(cancelBooking('r1', 'alice'))
      .thenFails('BOOKING_NOT_FOUND');
  });
  it('cancelling twice yields nothing', () => {
    spec
      .given([...trip, confirmed('r1', 'alice', [1]), cancelled('r1', [1])])
      .when(cancelBooking('r1', 'alice'))
      .thenNothingHappens();
  });
  it('closes sales', () => {
    spec
      .given(trip)
      .when({ type: 'CloseSales', at: 300 })
      .then([salesClosed(300)]);
  });
  it('closing sales twice yields nothing', () => {
    spec
      .given([...trip, salesClosed()])
      .when({ type: 'CloseSales', at: 400 })
      .thenNothingHappens();
  });
});

describe('Trip: outcomes', () => {
  it('bookingOutcome tells what became of each request', () => {
    const state = stateAfter([
      ...trip,
      confirmed('r1', 'alice', [1, 2]),
      rejected('r2', 'bob', 'INVALID_SEAT_COUNT'),
      confirmed('r3', 'carol', [3]),
      cancelled('r3', [3], 250),
    ]);
    expect(bookingOutcome(state, 'r1')).toEqual({
      status: 'CONFIRMED',
      requestId: 'r1',
      passengerId: 'alice',
      seatNumbers: [1, 2],
      at: 100,
    });
    expect(bookingOutcome(state, 'r2')).toEqual({
      status: 'REJECTED',
      requestId: 'r2',
      passengerId: 'bob',
      reason: 'INVALID_SEAT_COUNT',
      at: 100,
    });
    expect(bookingOutcome(state, 'r3')).toEqual({
      status: 'CANCELLED',
      requestId: 'r3',
      passengerId: 'carol',
      seatNumbers: [3],
      at: 100,
      cancelledAt: 250,
    });
    expect(bookingOutcome(state, 'r4')).toBeNull();
    expect(bookingOutcome(stateAfter([]), 'r1')).toBeNull();
    expect(freeSeatCount(state)).toBe(2);
  });
});
