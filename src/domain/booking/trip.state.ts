import type { RequestId, TripId, UserId } from '../shared/ids.js';
import { PersistentMap } from '../shared/persistent-map.js';
import type { BookingRejectionReason, TripEvent } from './trip.events.js';

export interface TripTerms {
  readonly tripId: TripId;
  readonly route: string;
  readonly departsAt: number;
  readonly capacity: number;
  readonly maxSeatsPerBooking: number;
}

/** The one recorded outcome of a booking request. */
export type BookingOutcome =
  | {
      readonly status: 'CONFIRMED';
      readonly requestId: RequestId;
      readonly passengerId: UserId;
      readonly seatNumbers: readonly number[];
      readonly at: number;
    }
  | {
      readonly status: 'REJECTED';
      readonly requestId: RequestId;
      readonly passengerId: UserId;
      readonly reason: BookingRejectionReason;
      readonly at: number;
    }
  | {
      readonly status: 'CANCELLED';
      readonly requestId: RequestId;
      readonly passengerId: UserId;
      readonly seatNumbers: readonly number[];
      readonly at: number;
      readonly cancelledAt: number;
    };

/**
 * A booking rush folds ~10,000 events into one trip, one `evolve` per event, so nothing here
 * may be copied in O(number of requests) per event (that is O(n²) over the rush):
 * - `requests` is a `PersistentMap` (hash buckets with structural sharing): a few hundred
 *   pointer copies per event, whatever the number of requests;
 * - `seats` is sized by capacity (≤ 1,000) and copied only when seats change hands (a
 *   confirmation or a cancellation); the thousands of rejections of a sold-out trip share it.
 */
interface TripBody {
  readonly terms: TripTerms;
  /** Index = seat number − 1: the request holding the seat, or null when it is free. */
  readonly seats: readonly (string | null)[];
  readonly freeSeats: number;
  /** Every decided request id, so a redelivered request yields no second outcome. */
  readonly requests: PersistentMap<BookingOutcome>;
}

export type TripState =
  | { readonly status: 'NONE' }
  | ({ readonly status: 'ON_SALE' } & TripBody)
  | ({ readonly status: 'SALES_CLOSED'; readonly closedAt: number } & TripBody);

export type ExistingTrip = Exclude<TripState, { status: 'NONE' }>;

export const initialTripState: TripState = { status: 'NONE' };

const assignSeats = (
  seats: readonly (string | null)[],
  seatNumbers: readonly number[],
  holder: string | null,
): (string | null)[] => {
  const next = seats.slice();
  for (const n of seatNumbers) next[n - 1] = holder;
  return next;
};

export const evolveTrip = (state: TripState, event: TripEvent): TripState => {
  if (event.type === 'TripScheduled') {
    const terms = { ...event.data };
    return {
      status: 'ON_SALE',
      terms,
      seats: new Array<string | null>(terms.capacity).fill(null),
      freeSeats: terms.capacity,
      requests: PersistentMap.empty(),
    };
  }
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'BookingConfirmed': {
      const { requestId, passengerId, seatNumbers, at } = event.data;
      return {
        ...state,
        seats: assignSeats(state.seats, seatNumbers, requestId),
        freeSeats: state.freeSeats - seatNumbers.length,
        requests: state.requests.set(requestId, { status: 'CONFIRMED', requestId, passengerId, seatNumbers, at }),
      };
    }
    case 'BookingRejected': {
      const { requestId, passengerId, reason, at } = event.data;
      return {
        ...state,
        requests: state.requests.set(requestId, { status: 'REJECTED', requestId, passengerId, reason, at }),
      };
    }
    case 'BookingCancelled': {
      const booking = state.requests.get(event.data.requestId);
      if (booking?.status !== 'CONFIRMED') return state;
      return {
        ...state,
        seats: assignSeats(state.seats, booking.seatNumbers, null),
        freeSeats: state.freeSeats + booking.seatNumbers.length,
        requests: state.requests.set(booking.requestId, {
          ...booking,
          status: 'CANCELLED',
          cancelledAt: event.data.at,
        }),
      };
    }
    case 'SalesClosed':
      return state.status === 'ON_SALE' ? { ...state, status: 'SALES_CLOSED', closedAt: event.data.at } : state;
  }
};

/** What became of a booking request: null while it has not been processed. */
export const bookingOutcome = (state: TripState, requestId: RequestId | string): BookingOutcome | null =>
  state.status === 'NONE' ? null : (state.requests.get(requestId) ?? null);

export const freeSeatCount = (state: TripState): number => (state.status === 'NONE' ? 0 : state.freeSeats);

/** The `count` lowest free seat numbers (fewer if there are not that many). */
export const lowestFreeSeats = (state: ExistingTrip, count: number): number[] => {
  const picked: number[] = [];
  for (let i = 0; i < state.seats.length && picked.length < count; i++) if (state.seats[i] === null) picked.push(i + 1);
  return picked;
};
