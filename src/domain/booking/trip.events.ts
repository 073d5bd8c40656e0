import { z } from 'zod';
import { defineEvent, type EventsOf } from '../shared/codec.js';
import { RequestId, TripId, UserId } from '../shared/ids.js';

const At = z.number().int().nonnegative();
const SeatNumbers = z.array(z.number().int().positive()).min(1);

/** The Booking aggregate's stream is one trip (one bus departure): seats are its invariant. */
export const TripScheduled = defineEvent(
  'TripScheduled',
  z.object({
    tripId: TripId,
    route: z.string().min(1).max(200),
    departsAt: At,
    capacity: z.number().int().positive().max(1000),
    maxSeatsPerBooking: z.number().int().positive().max(20),
  }),
);
export const BookingConfirmed = defineEvent(
  'BookingConfirmed',
  z.object({ requestId: RequestId, passengerId: UserId, seatNumbers: SeatNumbers, at: At }),
);
export const BookingRejectionReason = z.enum(['SOLD_OUT', 'NOT_ENOUGH_SEATS', 'SALES_CLOSED', 'INVALID_SEAT_COUNT']);
export type BookingRejectionReason = z.infer<typeof BookingRejectionReason>;
export const BookingRejected = defineEvent(
  'BookingRejected',
  z.object({ requestId: RequestId, passengerId: UserId, reason: BookingRejectionReason, at: At }),
);
export const BookingCancelled = defineEvent(
  'BookingCancelled',
  z.object({ requestId: RequestId, seatNumbers: SeatNumbers, at: At }),
);
export const SalesClosed = defineEvent('SalesClosed', z.object({ at: At }));

export const tripEventDefinitions = [
  TripScheduled,
  BookingConfirmed,
  BookingRejected,
  BookingCancelled,
  SalesClosed,
] as const;
/** Derived from the definitions: an event missing from the array is missing from the union. */
export type TripEvent = EventsOf<typeof tripEventDefinitions>;
