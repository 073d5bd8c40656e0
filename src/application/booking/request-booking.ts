import { tripStreamId, type TripTerms, type TripErrorCode } from '../../domain/booking/index.js';
import { fail } from '../../domain/shared/errors.js';
import type { RequestId, TripId } from '../../domain/shared/ids.js';
import { requireUser, type Actor } from '../auth/actor.js';
import type { BookingRequestIndex } from '../ports/booking-request-index.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { CounterStore } from '../ports/counter-store.port.js';
import type { IdGenerator } from '../ports/id-generator.port.js';
import type { MessageQueue } from '../ports/message-queue.port.js';
import type { TripCommandHandler, BookingRequestErrorCode } from './booking-commands.js';
import { requestedKey, statsIdsFor } from './booking-counters.js';
import type { BookingRequestMessage } from './booking-request-message.js';

export interface RequestBookingInput {
  readonly tripId: TripId;
  /** The passenger: the booking belongs to whoever asks, never to a name in the body. */
  readonly actor: Actor;
  readonly seats: number;
  /** Supplied by the client so that a retried POST is the same request; generated otherwise. */
  readonly requestId?: RequestId;
}

export interface RequestBookingDeps {
  readonly trips: TripCommandHandler;
  readonly index: BookingRequestIndex;
  readonly queue: MessageQueue<BookingRequestMessage>;
  readonly counters: CounterStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

const TERMS_CACHE_LIMIT = 1_000;

/**
 * Accepts a booking request and queues it (answered 202 at once; the trip decides later). The
 * trip's terms are checked here so that an unknown trip or an impossible seat count is a 4xx
 * now rather than a rejection later.
 *
 * Terms never change once a trip is scheduled, so they are cached per instance: reading the
 * trip's stream on every request of a rush would put every API call on one DynamoDB partition.
 *
 * Order matters for convergence of `requests = processed`: the request is counted only after
 * it is queued (a failed send counts nothing; the client retries with the same request id),
 * and the consumer counts `requests` again under the same idempotency key, so a crash between
 * send and count is repaired when the message is processed.
 */
export const makeRequestBooking = (deps: RequestBookingDeps) => {
  const termsByTrip = new Map<string, TripTerms>();

  const termsOf = async (tripId: TripId): Promise<TripTerms> => {
    const cached = termsByTrip.get(tripId);
    if (cached) return cached;
    const { state } = await deps.trips.load(tripStreamId(tripId));
    if (state.status === 'NONE')
      return fail<TripErrorCode>('TRIP_NOT_FOUND', `trip ${tripId} does not exist`, { field: 'tripId', tripId });
    if (termsByTrip.size >= TERMS_CACHE_LIMIT) termsByTrip.delete(termsByTrip.keys().next().value as string);
    termsByTrip.set(tripId, state.terms);
    return state.terms;
  };

  return async (input: RequestBookingInput): Promise<{ readonly requestId: RequestId; readonly status: 'QUEUED' }> => {
    const passengerId = requireUser(input.actor, 'book seats');
    const terms = await termsOf(input.tripId);
    if (input.seats > terms.maxSeatsPerBooking) {
      fail<BookingRequestErrorCode>(
        'INVALID_SEAT_COUNT',
        `seats must be between 1 and ${terms.maxSeatsPerBooking} on trip ${input.tripId}`,
        {
          field: 'seats',
          max: terms.maxSeatsPerBooking,
        },
      );
    }
    const requestId = input.requestId ?? (deps.ids.next() as RequestId);
    const record = await deps.index.register({
      requestId,
      tripId: input.tripId,
      passengerId,
      seats: input.seats,
      requestedAt: deps.clock.now(),
    });
    if (record.tripId !== input.tripId || record.passengerId !== passengerId || record.seats !== input.seats) {
      fail<BookingRequestErrorCode>(
        'REQUEST_ID_REUSED',
        `request id ${requestId} was already used for another booking; send a new request id`,
        { field: 'requestId' },
      );
    }
    const message = { ...record, requestId } as BookingRequestMessage;
    await deps.queue.send([{ body: message, groupId: record.tripId, dedupId: requestId }]);
    await Promise.all(
      statsIdsFor(record.tripId).map((id) => deps.counters.add(id, { requests: 1 }, requestedKey(requestId))),
    );
    return { requestId, status: 'QUEUED' };
  };
};
