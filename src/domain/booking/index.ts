import { EventCodec } from '../shared/codec.js';
import { streamIdOf, type StreamId, type TripId } from '../shared/ids.js';
import { tripEventDefinitions, type TripEvent } from './trip.events.js';

export * from './trip.decider.js';
export * from './trip.events.js';
export * from './trip.state.js';

export const tripCodec = new EventCodec<TripEvent>(tripEventDefinitions);
export const tripStreamId = (tripId: TripId | string): StreamId => streamIdOf('trip', tripId);
