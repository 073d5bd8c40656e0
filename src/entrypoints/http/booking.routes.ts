import { z } from 'zod';
import type { BookingStats } from '../../application/booking/booking-stats.js';
import type { BookingStatusView } from '../../application/booking/booking-status.js';
import { MAX_SEATS_PER_REQUEST } from '../../application/booking/booking-request-message.js';
import type { RequestBookingInput } from '../../application/booking/request-booking.js';
import type { ScheduleTripInput } from '../../application/booking/schedule-trip.js';
import type { TripView } from '../../application/booking/trip-view.js';
import { displayText } from '../../application/live/display-text.js';
import { requireUser, type Actor } from '../../application/auth/actor.js';
import type { IdGenerator } from '../../application/ports/id-generator.port.js';
import { RequestId, TripId, UserId } from '../../domain/shared/ids.js';
import { actorOf, json, pathParam, readBody, route, type ApiRoutes } from './api-route.js';

export interface BookingRoutesDeps {
  readonly requestBooking: (
    input: RequestBookingInput,
  ) => Promise<{ readonly requestId: string; readonly status: 'QUEUED' }>;
  readonly getBookingStatus: (requestId: RequestId, actor: Actor) => Promise<BookingStatusView>;
  readonly cancelBooking: (input: {
    readonly requestId: RequestId;
    readonly actor: Actor;
  }) => Promise<BookingStatusView>;
  readonly getBookingStats: () => Promise<BookingStats>;
  readonly scheduleTrip: (input: ScheduleTripInput) => Promise<TripView>;
  readonly getTrip: (tripId: TripId) => Promise<TripView>;
  /** The trip `POST /api/book-bus` (the seed's endpoint) books on. */
  readonly defaultTripId: TripId;
  readonly ids: IdGenerator;
  readonly onUnexpected: (error: unknown) => void;
}

const Seats = z
  .number()
  .int()
  .min(1, 'seats must be at least 1')
  .max(MAX_SEATS_PER_REQUEST, `seats must be at most ${MAX_SEATS_PER_REQUEST}`);
/** `passengerId` is accepted for older clients and IGNORED: the passenger is always the token's subject. */
export const BookingRequestBody = z.object({
  passengerId: UserId.optional(),
  seats: Seats,
  requestId: RequestId.optional(),
});
/** The seed's button posts nothing: one seat for the signed-in caller. */
const BookBusBody = z.object({
  passengerId: UserId.optional(),
  seats: Seats.default(1),
  requestId: RequestId.optional(),
});
export const ScheduleTripBody = z.object({
  tripId: TripId,
  route: displayText(200),
  departsAt: z.number().int().nonnegative(),
  capacity: z.number().int().min(1).max(1000),
  maxSeatsPerBooking: z.number().int().min(1).max(MAX_SEATS_PER_REQUEST),
});

/**
 * F6 routes. Booking answers 202 as soon as the request is queued; the outcome is read with
 * `GET /api/bookings/{requestId}`. The passenger is always the verified caller (401 without a
 * token); only they may read or cancel the booking (403 for anyone else).
 */
export const makeBookingRoutes = (deps: BookingRoutesDeps): ApiRoutes => {
  const wrap = (handler: Parameters<typeof route>[0]) => route(handler, deps.onUnexpected);
  const accepted = (r: { requestId: string; status: 'QUEUED' }) => json(202, r);
  return {
    // Any signed-in user may schedule a trip (there are no operator roles yet: docs/SECURITY.md).
    'POST /api/trips': wrap(async (event) => {
      requireUser(actorOf(event), 'schedule trips');
      return json(201, await deps.scheduleTrip(readBody(event, ScheduleTripBody)));
    }),
    'GET /api/trips/{tripId}': wrap(async (event) => json(200, await deps.getTrip(pathParam(event, 'tripId', TripId)))),
    'POST /api/trips/{tripId}/bookings': wrap(async (event) => {
      const tripId = pathParam(event, 'tripId', TripId);
      const body = readBody(event, BookingRequestBody);
      return accepted(
        await deps.requestBooking({ tripId, actor: actorOf(event), seats: body.seats, requestId: body.requestId }),
      );
    }),
    'POST /api/book-bus': wrap(async (event) => {
      const body = event.body ? readBody(event, BookBusBody) : BookBusBody.parse({});
      const requestId = body.requestId ?? (deps.ids.next() as RequestId);
      return accepted(
        await deps.requestBooking({ tripId: deps.defaultTripId, actor: actorOf(event), seats: body.seats, requestId }),
      );
    }),
    'GET /api/bookings/{requestId}': wrap(async (event) =>
      json(200, await deps.getBookingStatus(pathParam(event, 'requestId', RequestId), actorOf(event))),
    ),
    'DELETE /api/bookings/{requestId}': wrap(async (event) =>
      json(
        200,
        await deps.cancelBooking({ requestId: pathParam(event, 'requestId', RequestId), actor: actorOf(event) }),
      ),
    ),
    'GET /api/stats': wrap(async () => json(200, await deps.getBookingStats())),
  };
};
