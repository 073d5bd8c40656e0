import { EventCodec } from '../shared/codec.js';
import { viewerSessionEventDefinitions } from './viewer-session.events.js';

export * from './viewer-session.decider.js';
export * from './viewer-session.events.js';
export * from './viewer-session.rules.js';
export * from './viewer-session.state.js';

/** Not a stored stream (see ARCHITECTURE.md); the codec validates these events where they travel. */
export const viewerSessionCodec = new EventCodec(viewerSessionEventDefinitions);
