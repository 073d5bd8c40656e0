import {
  bookingOutcome,
  tripStreamId,
  type BookingOutcome,
  type BookingRejectionReason,
  type TripErrorCode,
} from '../../domain/booking/index.js';
import { fail } from '../../domain/shared/errors.js';
import type { RequestId } from '../../domain/shared/ids.js';
import { forbid, requireUser, type Actor } from '../auth/actor.js';
import type { BookingRequestIndex, BookingRequestRecord } from '../ports/booking-request-index.port.js';
import type { TripCommandHandler } from './booking-commands.js';

interface StatusBase {
  readonly requestId: string;
  readonly tripId: string;
  readonly passengerId: string;
}
export type BookingStatusView =
  | (StatusBase & { readonly status: 'QUEUED'; readonly seats: number; readonly requestedAt: number })
  | (StatusBase & { readonly status: 'CONFIRMED'; readonly seatNumbers: readonly number[]; readonly at: number })
  | (StatusBase & { readonly status: 'REJECTED'; readonly reason: BookingRejectionReason; readonly at: number })
  | (StatusBase & {
      readonly status: 'CANCELLED';
      readonly seatNumbers: readonly number[];
      readonly at: number;
      readonly cancelledAt: number;
    });

export const bookingStatusView = (record: BookingRequestRecord, outcome: BookingOutcome | null): BookingStatusView => {
  const base = { requestId: record.requestId, tripId: record.tripId, passengerId: record.passengerId };
  if (!outcome) return { ...base, status: 'QUEUED', seats: record.seats, requestedAt: record.requestedAt };
  switch (outcome.status) {
    case 'CONFIRMED':
      return { ...base, status: 'CONFIRMED', seatNumbers: outcome.seatNumbers, at: outcome.at };
    case 'REJECTED':
      return { ...base, status: 'REJECTED', reason: outcome.reason, at: outcome.at };
    case 'CANCELLED':
      return {
        ...base,
        status: 'CANCELLED',
        seatNumbers: outcome.seatNumbers,
        at: outcome.at,
        cancelledAt: outcome.cancelledAt,
      };
  }
};

/** Refuses unless the actor made the request: a booking (seats, status) is its passenger's only. */
export const requirePassenger = (record: BookingRequestRecord, actor: Actor, toDoWhat: string): void => {
  const userId = requireUser(actor, toDoWhat);
  if (record.passengerId !== userId)
    forbid(`only the passenger who made booking request ${record.requestId} may ${toDoWhat}`, {
      requestId: record.requestId,
    });
};

/**
 * The status of a request, read from its trip's stream (the single source of truth: no second
 * status table to drift from it). The index only says which trip to read. Only the passenger
 * who made the request may read it.
 */
export const makeGetBookingStatus =
  (deps: { readonly trips: TripCommandHandler; readonly index: BookingRequestIndex }) =>
  async (requestId: RequestId, actor: Actor): Promise<BookingStatusView> => {
    requireUser(actor, 'read a booking');
    const record = await deps.index.get(requestId);
    if (!record)
      return fail<TripErrorCode>('BOOKING_NOT_FOUND', `no booking request has id ${requestId}`, { requestId });
    requirePassenger(record, actor, 'read it');
    const { state } = await deps.trips.load(tripStreamId(record.tripId));
    return bookingStatusView(record, bookingOutcome(state, requestId));
  };
