import type { TripCommand, TripEvent, TripState } from '../../domain/booking/index.js';
import type { CommandHandler } from '../command-handler.js';

/** The trip command handler the booking use cases drive (built by the composition root). */
export type TripCommandHandler = CommandHandler<TripCommand, TripEvent, TripState>;
