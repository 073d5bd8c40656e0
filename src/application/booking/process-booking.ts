import { bookingOutcome, tripStreamId, type BookingOutcome } from '../../domain/booking/index.js';
import type { Clock } from '../ports/clock.port.js';
import type { CounterStore } from '../ports/counter-store.port.js';
import type { TripCommandHandler } from './booking-commands.js';
import { processedKey, requestedKey, statsIdsFor } from './booking-counters.js';
import type { BookingRequestMessage } from './booking-request-message.js';

export interface ProcessBookingDeps {
  readonly trips: TripCommandHandler;
  readonly counters: CounterStore;
  readonly clock: Clock;
}

export interface ProcessBookingOptions {
  /**
   * Takes the counting instead of awaiting it: the outcome is returned once decided, and the
   * caller awaits `counting` before it reports the message done (a consumer of a batch decides
   * the next request of the trip meanwhile, and the counts of the batch go to the counter store
   * together). A counting that fails must fail the message, so it is redelivered and counted.
   */
  readonly deferCount?: (counting: Promise<void>) => void;
}

/**
 * Decides one queued request on its trip, then counts it. The counts are taken from the
 * outcome recorded in the trip's state, not from the events this call appended: if a previous
 * delivery appended the outcome and crashed before counting, the decider now yields nothing,
 * but the outcome is still in the state and is counted under the same idempotency keys, so
 * every request is counted exactly once whatever the redeliveries.
 */
export const makeProcessBooking =
  (deps: ProcessBookingDeps) =>
  async (message: BookingRequestMessage, options: ProcessBookingOptions = {}): Promise<BookingOutcome> => {
    const { requestId, tripId } = message;
    const result = await deps.trips.handle(
      tripStreamId(tripId),
      {
        type: 'RequestBooking',
        requestId,
        passengerId: message.passengerId,
        seats: message.seats,
        at: deps.clock.now(),
      },
      { correlationId: requestId },
    );
    const outcome = bookingOutcome(result.state, requestId);
    if (!outcome)
      throw new Error(
        `trip ${tripId} recorded no outcome for request ${requestId}: the trip decider broke its contract`,
      );
    // A cancelled booking was confirmed first: it counts as a success of the rush.
    const success = outcome.status === 'REJECTED' ? 0 : 1;
    const counting = Promise.all(
      statsIdsFor(tripId).flatMap((id) => [
        deps.counters.add(id, { requests: 1 }, requestedKey(requestId)),
        deps.counters.add(id, { processed: 1, success }, processedKey(requestId)),
      ]),
    ).then(() => undefined);
    if (options.deferCount) options.deferCount(counting);
    else await counting;
    return outcome;
  };
