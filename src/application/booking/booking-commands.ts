import type { TripCommand, TripEvent, TripState } from '../../domain/booking/index.js';
import type { CommandHandler } from '../command-handler.js';

/** The trip command handler the booking use cases drive (built by the composition root). */
export type TripCommandHandler = CommandHandler<TripCommand, TripEvent, TripState>;

/** Refusals of the booking front door, before anything reaches the trip's queue. */
export type BookingRequestErrorCode = 'BOOKING_STILL_QUEUED' | 'INVALID_SEAT_COUNT' | 'REQUEST_ID_REUSED';
