import { bookingOutcome, tripStreamId, type TripErrorCode } from '../../domain/booking/index.js';
import { fail } from '../../domain/shared/errors.js';
import type { RequestId } from '../../domain/shared/ids.js';
import { requireUser, type Actor } from '../auth/actor.js';
import type { BookingRequestIndex } from '../ports/booking-request-index.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { CounterStore } from '../ports/counter-store.port.js';
import type { TripCommandHandler, BookingRequestErrorCode } from './booking-commands.js';
import { cancelledKey, statsIdsFor } from './booking-counters.js';
import { bookingStatusView, requirePassenger, type BookingStatusView } from './booking-status.js';

export interface CancelBookingDeps {
  readonly trips: TripCommandHandler;
  readonly index: BookingRequestIndex;
  readonly counters: CounterStore;
  readonly clock: Clock;
}

/**
 * Cancels a confirmed booking and frees its seats. A request still in the queue cannot be
 * cancelled yet (the trip has no outcome to undo): the caller is told to retry shortly rather
 * than have the cancellation silently lost or race the consumer. Cancelling twice is a no-op.
 * Only the passenger may cancel (FORBIDDEN otherwise; the trip's rule says the same).
 */
export const makeCancelBooking =
  (deps: CancelBookingDeps) =>
  async (input: { readonly requestId: RequestId; readonly actor: Actor }): Promise<BookingStatusView> => {
    const by = requireUser(input.actor, 'cancel a booking');
    const record = await deps.index.get(input.requestId);
    if (!record)
      return fail<TripErrorCode>('BOOKING_NOT_FOUND', `no booking request has id ${input.requestId}`, {
        requestId: input.requestId,
      });
    requirePassenger(record, input.actor, 'cancel it');
    const stream = tripStreamId(record.tripId);
    const { state } = await deps.trips.load(stream);
    if (!bookingOutcome(state, input.requestId)) {
      return fail<BookingRequestErrorCode>(
        'BOOKING_STILL_QUEUED',
        `request ${input.requestId} is still queued; cancel it once it is confirmed`,
        { requestId: input.requestId },
      );
    }
    const result = await deps.trips.handle(stream, {
      type: 'CancelBooking',
      requestId: input.requestId,
      by,
      at: deps.clock.now(),
    });
    const outcome = bookingOutcome(result.state, input.requestId);
    if (outcome?.status === 'CANCELLED') {
      await Promise.all(
        statsIdsFor(record.tripId).map((id) => deps.counters.add(id, { cancelled: 1 }, cancelledKey(input.requestId))),
      );
    }
    return bookingStatusView(record, outcome);
  };
