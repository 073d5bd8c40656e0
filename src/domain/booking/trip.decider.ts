import type { Decider } from '../shared/decider.js';
import { fail } from '../shared/errors.js';
import type { RequestId, TripId, UserId } from '../shared/ids.js';
import { TripScheduled, type BookingRejectionReason, type TripEvent } from './trip.events.js';
import { evolveTrip, initialTripState, lowestFreeSeats, type ExistingTrip, type TripState } from './trip.state.js';

/** Times are epoch milliseconds supplied by the application layer. */
export type TripCommand =
  | {
      readonly type: 'ScheduleTrip';
      readonly tripId: TripId;
      readonly route: string;
      readonly departsAt: number;
      readonly capacity: number;
      readonly maxSeatsPerBooking: number;
    }
  | {
      readonly type: 'RequestBooking';
      readonly requestId: RequestId;
      readonly passengerId: UserId;
      readonly seats: number;
      readonly at: number;
    }
  /** `by` is the authenticated user asking; only the passenger may cancel. */
  | { readonly type: 'CancelBooking'; readonly requestId: RequestId; readonly by: UserId; readonly at: number }
  | { readonly type: 'CloseSales'; readonly at: number };

/**
 * Errors are for commands that cannot be recorded at all. A booking request that the trip
 * turns down is not an error but a `BookingRejected` event, so each request id has exactly
 * one recorded outcome the requester can look up.
 */
export type TripErrorCode =
  'TRIP_NOT_FOUND' | 'TRIP_ALREADY_SCHEDULED' | 'INVALID_TRIP' | 'BOOKING_NOT_FOUND' | 'NOT_BOOKING_OWNER';

type Cmd<T extends TripCommand['type']> = Extract<TripCommand, { type: T }>;

const existing = (state: TripState): ExistingTrip =>
  state.status === 'NONE' ? fail<TripErrorCode>('TRIP_NOT_FOUND', 'no trip is scheduled on this stream') : state;

const schedule = (c: Cmd<'ScheduleTrip'>, state: TripState): TripEvent[] => {
  const { tripId, route, departsAt, capacity, maxSeatsPerBooking } = c;
  const terms = { tripId, route, departsAt, capacity, maxSeatsPerBooking };
  if (state.status !== 'NONE') {
    const t = state.terms;
    const same =
      t.tripId === tripId &&
      t.route === route &&
      t.departsAt === departsAt &&
      t.capacity === capacity &&
      t.maxSeatsPerBooking === maxSeatsPerBooking;
    if (same) return []; // a redelivered ScheduleTrip
    return fail<TripErrorCode>('TRIP_ALREADY_SCHEDULED', `trip ${t.tripId} is already scheduled with other terms`);
  }
  const parsed = TripScheduled.schema.safeParse(terms);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    return fail<TripErrorCode>('INVALID_TRIP', `invalid trip: ${issues.join('; ')}`, { issues });
  }
  return [{ type: 'TripScheduled', data: parsed.data }];
};

const requestBooking = (c: Cmd<'RequestBooking'>, state: TripState): TripEvent[] => {
  const trip = existing(state);
  // Decided once, whatever happened since: a redelivered request must not get a second outcome.
  if (trip.requests.has(c.requestId)) return [];
  const reject = (reason: BookingRejectionReason): TripEvent[] => [
    { type: 'BookingRejected', data: { requestId: c.requestId, passengerId: c.passengerId, reason, at: c.at } },
  ];
  // A request still queued when the bus leaves is too late, even if sales were never closed.
  if (trip.status === 'SALES_CLOSED' || c.at >= trip.terms.departsAt) return reject('SALES_CLOSED');
  if (!Number.isInteger(c.seats) || c.seats < 1 || c.seats > trip.terms.maxSeatsPerBooking)
    return reject('INVALID_SEAT_COUNT');
  if (trip.freeSeats === 0) return reject('SOLD_OUT');
  if (trip.freeSeats < c.seats) return reject('NOT_ENOUGH_SEATS');
  return [
    {
      type: 'BookingConfirmed',
      data: {
        requestId: c.requestId,
        passengerId: c.passengerId,
        seatNumbers: lowestFreeSeats(trip, c.seats),
        at: c.at,
      },
    },
  ];
};

const cancelBooking = (c: Cmd<'CancelBooking'>, state: TripState): TripEvent[] => {
  const trip = existing(state);
  const booking = trip.requests.get(c.requestId);
  if (!booking || booking.status === 'REJECTED') {
    return fail<TripErrorCode>('BOOKING_NOT_FOUND', `request ${c.requestId} holds no booking on this trip`);
  }
  if (booking.passengerId !== c.by)
    return fail<TripErrorCode>('NOT_BOOKING_OWNER', 'only the passenger may cancel a booking');
  if (booking.status === 'CANCELLED') return [];
  return [
    { type: 'BookingCancelled', data: { requestId: c.requestId, seatNumbers: [...booking.seatNumbers], at: c.at } },
  ];
};

const closeSales = (c: Cmd<'CloseSales'>, state: TripState): TripEvent[] => {
  const trip = existing(state);
  if (trip.status === 'SALES_CLOSED') return [];
  return [{ type: 'SalesClosed', data: { at: c.at } }];
};

export const tripDecider: Decider<TripCommand, TripEvent, TripState> = {
  initialState: initialTripState,
  evolve: evolveTrip,
  decide(command, state) {
    switch (command.type) {
      case 'ScheduleTrip':
        return schedule(command, state);
      case 'RequestBooking':
        return requestBooking(command, state);
      case 'CancelBooking':
        return cancelBooking(command, state);
      case 'CloseSales':
        return closeSales(command, state);
    }
  },
};
