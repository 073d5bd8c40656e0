import fc from 'fast-check';
import type { TripCommand, TripEvent } from '../../../src/domain/booking/index.js';
import { BookingRejectionReason } from '../../../src/domain/booking/index.js';
import type { RequestId, TripId, UserId } from '../../../src/domain/shared/ids.js';
import { at, id, type Arbitraries } from '../auction/auction.arbitraries.js';

const seatNumbers = fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 20 });

export const tripEventArbitraries: Arbitraries<TripEvent> = {
  TripScheduled: fc.record({
    type: fc.constant('TripScheduled'),
    data: fc.record({
      tripId: id<TripId>(),
      route: fc.string({ minLength: 1, maxLength: 200 }),
      departsAt: at,
      capacity: fc.integer({ min: 1, max: 1000 }),
      maxSeatsPerBooking: fc.integer({ min: 1, max: 20 }),
    }),
  }),
  BookingConfirmed: fc.record({
    type: fc.constant('BookingConfirmed'),
    data: fc.record({ requestId: id<RequestId>(), passengerId: id<UserId>(), seatNumbers, at }),
  }),
  BookingRejected: fc.record({
    type: fc.constant('BookingRejected'),
    data: fc.record({
      requestId: id<RequestId>(),
      passengerId: id<UserId>(),
      reason: fc.constantFrom(...BookingRejectionReason.options),
      at,
    }),
  }),
  BookingCancelled: fc.record({
    type: fc.constant('BookingCancelled'),
    data: fc.record({ requestId: id<RequestId>(), seatNumbers, at }),
  }),
  SalesClosed: fc.record({ type: fc.constant('SalesClosed'), data: fc.record({ at }) }),
};

export const scheduleTripCommand: fc.Arbitrary<TripCommand> = fc.record({
  type: fc.constant('ScheduleTrip' as const),
  tripId: fc.constant('t1' as TripId),
  route: fc.constant('Seoul → Busan'),
  departsAt: fc.constant(100_000),
  capacity: fc.integer({ min: 1, max: 12 }),
  maxSeatsPerBooking: fc.integer({ min: 1, max: 4 }),
});

export const requestIds = fc.integer({ min: 0, max: 29 }).map((n) => `r${n}` as RequestId);
/** Passenger of a request id: fixed per id, as a real client's retries would be. */
export const passengerOf = (requestId: string): UserId => `p${Number(requestId.slice(1)) % 6}` as UserId;

export const requestBookingCommand: fc.Arbitrary<Extract<TripCommand, { type: 'RequestBooking' }>> = fc
  .record({
    requestId: requestIds,
    seats: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 2 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 }) },
    ),
    at: fc.integer({ min: 0, max: 105_000 }),
  })
  .map(({ requestId, seats, at }) => ({
    type: 'RequestBooking' as const,
    requestId,
    passengerId: passengerOf(requestId),
    seats,
    at,
  }));

/** Few seats and request ids, many requests: sell-outs, retries and cancellations are common. */
export const tripCommand: fc.Arbitrary<TripCommand> = fc.oneof(
  { weight: 2, arbitrary: scheduleTripCommand },
  { weight: 24, arbitrary: requestBookingCommand },
  {
    weight: 8,
    arbitrary: fc
      .record({ requestId: requestIds, impostor: fc.nat({ max: 5 }), at: fc.nat({ max: 110_000 }) })
      .map(({ requestId, impostor, at }) => ({
        type: 'CancelBooking' as const,
        requestId,
        by: impostor === 0 ? (`p${(Number(requestId.slice(1)) + 1) % 6}` as UserId) : passengerOf(requestId),
        at,
      })),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('CloseSales' as const), at: fc.nat({ max: 110_000 }) }) },
);

export const tripRun = fc
  .tuple(
    fc.nat({ max: 9 }),
    scheduleTripCommand,
    fc.array(tripCommand, { minLength: 1, maxLength: 60, size: 'medium' }),
  )
  .map(([dice, schedule, rest]) => (dice > 0 ? [schedule, ...rest] : rest));
