import { tripStreamId, type TripErrorCode } from '../../domain/booking/index.js';
import { fail } from '../../domain/shared/errors.js';
import type { TripId } from '../../domain/shared/ids.js';
import type { CounterStore } from '../ports/counter-store.port.js';
import type { TripCommandHandler } from './booking-commands.js';
import { TRIP_CATALOGUE, tripKey } from './booking-counters.js';
import { tripView, type TripView } from './trip-view.js';

export interface ScheduleTripInput {
  readonly tripId: TripId;
  readonly route: string;
  readonly departsAt: number;
  readonly capacity: number;
  readonly maxSeatsPerBooking: number;
}

/**
 * Schedules a trip (admin route, seed script) and lists it in the stats catalogue. Scheduling
 * the same trip again with the same terms is a no-op, so the seed script can run twice.
 */
export const makeScheduleTrip =
  (deps: { readonly trips: TripCommandHandler; readonly counters: CounterStore }) =>
  async (input: ScheduleTripInput): Promise<TripView> => {
    const { state } = await deps.trips.handle(tripStreamId(input.tripId), { type: 'ScheduleTrip', ...input });
    if (state.status === 'NONE') return fail<TripErrorCode>('TRIP_NOT_FOUND', `trip ${input.tripId} was not scheduled`);
    await deps.counters.add(TRIP_CATALOGUE, { [input.tripId]: 1 }, tripKey(input.tripId));
    return tripView(state);
  };

/** A trip's terms and free seats. */
export const makeGetTrip =
  (deps: { readonly trips: TripCommandHandler }) =>
  async (tripId: TripId): Promise<TripView> => {
    const { state } = await deps.trips.load(tripStreamId(tripId));
    if (state.status === 'NONE')
      return fail<TripErrorCode>('TRIP_NOT_FOUND', `trip ${tripId} does not exist`, { tripId });
    return tripView(state);
  };
