import { z } from 'zod';
import { RequestId, TripId, UserId } from '../../domain/shared/ids.js';

/** Most seats one request may ask for, whatever the trip allows (the trip's own limit is lower or equal). */
export const MAX_SEATS_PER_REQUEST = 20;

/**
 * A booking-queue message (SQS FIFO: group = trip, so one trip's requests are decided in
 * arrival order; dedup id = request id, so a resent request within 5 minutes is dropped).
 */
export const BookingRequestMessage = z.object({
  requestId: RequestId,
  tripId: TripId,
  passengerId: UserId,
  seats: z.number().int().min(1).max(MAX_SEATS_PER_REQUEST),
  requestedAt: z.number().int().nonnegative(),
});
export type BookingRequestMessage = z.infer<typeof BookingRequestMessage>;
