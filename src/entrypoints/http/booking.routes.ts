import { z } from 'zod';
import type { BookingStats } from '../../application/booking/booking-stats.js';
import type { BookingStatusView } from '../../application/booking/booking-status.js';
import { MAX_SEATS_PER_REQUEST } from '../../application/booking/booking-request-message.js';
import type { RequestBookingInput } from '../../application/booking/request-booking.js';
import type { ScheduleTripInput } from '../../application/booking/schedule-trip.js';
import type { TripView } from '../../application/booking/trip-view.js';
import type { IdGenerator } from '../../application/ports/id-generator.port.js';
import { RequestId, TripId, UserId } from '../../domain/shared/ids.js';
import { authenticatedUser, json, pathParam, readBody, route, validate, type ApiRoutes } from './api-route.js';

export interface BookingRoutesDeps {
  readonly requestBooking: (input: RequestBookingInput) => Promise<{ readonly requestId: string; readonly status: 'QUEUED' }>;
  readonly getBookingStatus: (requestId: RequestId) => Promise<BookingStatusView>;
  readonly cancelBooking: (input: { readonly requestId: RequestId; readonly by: UserId }) => Promise<BookingStatusView>;
  readonly getBookingStats: () => Promise<BookingStats>;
  readonly scheduleTrip: (input: ScheduleTripInput) => Promise<TripView>;
  readonly getTrip: (tripId: TripId) => Promise<TripView>;
  /** The trip `POST /api/book-bus` (the seed's endpoint) books on. */
  readonly defaultTripId: TripId;
  readonly ids: IdGenerator;
  readonly onUnexpected: (error: unknown) => void;
}

const Seats = z.number().int().min(1, 'seats must be at least 1').max(MAX_SEATS_PER_REQUEST, `seats must be at most ${MAX_SEATS_PER_REQUEST}`);
export const BookingRequestBody = z.object({ passengerId: UserId, seats: Seats, requestId: RequestId.optional() });
/** The seed's button posts nothing: a guest books one seat. */
const BookBusBody = z.object({ passengerId: UserId.optional(), seats: Seats.default(1), requestId: RequestId.optional() });
export const ScheduleTripBody = z.object({
  tripId: TripId,
  route: z.string().min(1).max(200),
  departsAt: z.number().int().nonnegative(),
  capacity: z.number().int().min(1).max(1000),
  maxSeatsPerBooking: z.number().int().min(1).max(MAX_SEATS_PER_REQUEST),
});

/**
 * F6 routes. Booking answers 202 as soon as the request is queued; the outcome is read with
 * `GET /api/bookings/{requestId}`. The passenger is the authenticated user when the route has
 * a JWT authorizer, otherwise the body's `passengerId` (the seed's open endpoint).
 */
export const makeBookingRoutes = (deps: BookingRoutesDeps): ApiRoutes => {
  const wrap = (handler: Parameters<typeof route>[0]) => route(handler, deps.onUnexpected);
  const accepted = (r: { requestId: string; status: 'QUEUED' }) => json(202, r);
  return {
    'POST /api/trips': wrap(async (event) => json(201, await deps.scheduleTrip(readBody(event, ScheduleTripBody)))),
    'GET /api/trips/{tripId}': wrap(async (event) => json(200, await deps.getTrip(pathParam(event, 'tripId', TripId)))),
    'POST /api/trips/{tripId}/bookings': wrap(async (event) => {
      const tripId = pathParam(event, 'tripId', TripId);
      const body = readBody(event, BookingRequestBody);
      const passengerId = (authenticatedUser(event) as UserId | undefined) ?? body.passengerId;
      return accepted(await deps.requestBooking({ tripId, passengerId, seats: body.seats, requestId: body.requestId }));
    }),
    'POST /api/book-bus': wrap(async (event) => {
      const body = event.body ? readBody(event, BookBusBody) : BookBusBody.parse({});
      const requestId = body.requestId ?? (deps.ids.next() as RequestId);
      const passengerId = (authenticatedUser(event) as UserId | undefined) ?? body.passengerId ?? (`guest-${requestId}` as UserId);
      return accepted(await deps.requestBooking({ tripId: deps.defaultTripId, passengerId, seats: body.seats, requestId }));
    }),
    'GET /api/bookings/{requestId}': wrap(async (event) => json(200, await deps.getBookingStatus(pathParam(event, 'requestId', RequestId)))),
    'DELETE /api/bookings/{requestId}': wrap(async (event) => {
      const requestId = pathParam(event, 'requestId', RequestId);
      const by = (authenticatedUser(event) as UserId | undefined) ?? validate(UserId, event.queryStringParameters?.passengerId, 'passengerId');
      return json(200, await deps.cancelBooking({ requestId, by }));
    }),
    'GET /api/stats': wrap(async () => json(200, await deps.getBookingStats())),
  };
};
