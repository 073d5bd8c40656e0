import type { BookingRejectionReason, TripCommand, TripEvent } from '../../../src/domain/booking/index.js';
import type { RequestId, TripId, UserId } from '../../../src/domain/shared/ids.js';

/** Four seats, at most two per booking, departing at t = 1,000,000. */
export const scheduleTrip: Extract<TripCommand, { type: 'ScheduleTrip' }> = {
  type: 'ScheduleTrip',
  tripId: 't1' as TripId,
  route: 'Seoul → Busan',
  departsAt: 1_000_000,
  capacity: 4,
  maxSeatsPerBooking: 2,
};
export const tripScheduled = (capacity = 4, maxSeatsPerBooking = 2): TripEvent => ({
  type: 'TripScheduled',
  data: { tripId: 't1' as TripId, route: 'Seoul → Busan', departsAt: 1_000_000, capacity, maxSeatsPerBooking },
});
export const requestBooking = (requestId: string, passengerId: string, seats: number, at = 100): TripCommand => ({
  type: 'RequestBooking',
  requestId: requestId as RequestId,
  passengerId: passengerId as UserId,
  seats,
  at,
});
export const confirmed = (requestId: string, passengerId: string, seatNumbers: number[], at = 100): TripEvent => ({
  type: 'BookingConfirmed',
  data: { requestId: requestId as RequestId, passengerId: passengerId as UserId, seatNumbers, at },
});
export const rejected = (
  requestId: string,
  passengerId: string,
  reason: BookingRejectionReason,
  at = 100,
): TripEvent => ({
  type: 'BookingRejected',
  data: { requestId: requestId as RequestId, passengerId: passengerId as UserId, reason, at },
});
export const cancelBooking = (requestId: string, by: string, at = 200): TripCommand => ({
  type: 'CancelBooking',
  requestId: requestId as RequestId,
  by: by as UserId,
  at,
});
export const cancelled = (requestId: string, seatNumbers: number[], at = 200): TripEvent => ({
  type: 'BookingCancelled',
  data: { requestId: requestId as RequestId, seatNumbers, at },
});
export const salesClosed = (at = 300): TripEvent => ({ type: 'SalesClosed', data: { at } });
