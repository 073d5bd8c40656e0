import type { ExistingTrip } from '../../domain/booking/index.js';

export interface TripView {
  readonly tripId: string;
  readonly route: string;
  readonly departsAt: number;
  readonly capacity: number;
  readonly maxSeatsPerBooking: number;
  readonly freeSeats: number;
  readonly status: ExistingTrip['status'];
}

export const tripView = (trip: ExistingTrip): TripView => ({
  tripId: trip.terms.tripId,
  route: trip.terms.route,
  departsAt: trip.terms.departsAt,
  capacity: trip.terms.capacity,
  maxSeatsPerBooking: trip.terms.maxSeatsPerBooking,
  freeSeats: trip.freeSeats,
  status: trip.status,
});
