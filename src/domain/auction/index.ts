import { EventCodec } from '../shared/codec.js';
import { streamIdOf, type AuctionId, type StreamId } from '../shared/ids.js';
import { auctionEventDefinitions } from './auction.events.js';

export * from './auction.decider.js';
export * from './auction.events.js';
export * from './auction.state.js';
export * from './auction.snapshot.js';

export const auctionCodec = new EventCodec(auctionEventDefinitions);
export const auctionStreamId = (auctionId: AuctionId | string): StreamId => streamIdOf('auction', auctionId);
