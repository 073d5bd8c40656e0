import { EventCodec } from '../shared/codec.js';
import { streamIdOf, type StreamId, type TripId } from '../shared/ids.js';
import { tripEventDefinitions } from './trip.events.js';

export * from './trip.decider.js';
export * from './trip.events.js';
export * from './trip.state.js';

export const tripCodec = new EventCodec(tripEventDefinitions);
export const tripStreamId = (tripId: TripId | string): StreamId => streamIdOf('trip', tripId);
