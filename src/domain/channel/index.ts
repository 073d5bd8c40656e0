import { EventCodec } from '../shared/codec.js';
import { streamIdOf, type ChannelId, type StreamId } from '../shared/ids.js';
import { channelEventDefinitions, type ChannelEvent } from './channel.events.js';

export * from './channel.decider.js';
export * from './channel.events.js';
export * from './channel.state.js';

export const channelCodec = new EventCodec<ChannelEvent>(channelEventDefinitions);
export const channelStreamId = (channelId: ChannelId | string): StreamId => streamIdOf('channel', channelId);
