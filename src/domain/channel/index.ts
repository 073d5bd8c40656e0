import { EventCodec } from '../shared/codec.js';
import { streamIdOf, type ChannelId, type StreamId } from '../shared/ids.js';
import { channelEventDefinitions } from './channel.events.js';

export * from './channel.decider.js';
export * from './channel.events.js';
export * from './channel.state.js';

export const channelCodec = new EventCodec(channelEventDefinitions);
export const channelStreamId = (channelId: ChannelId | string): StreamId => streamIdOf('channel', channelId);
