import { z } from 'zod';
import { defineEvent, type EventsOf } from '../shared/codec.js';
import { ChannelId, SessionId, UserId } from '../shared/ids.js';

const At = z.number().int().nonnegative();

export const ViewerJoined = defineEvent(
  'ViewerJoined',
  z.object({ sessionId: SessionId, channelId: ChannelId, userId: UserId.nullable(), joinedAt: At }),
);
/** `sequence` is the player's own counter: only a higher one than the last accepted counts. */
export const HeartbeatRecorded = defineEvent(
  'HeartbeatRecorded',
  z.object({ sequence: z.number().int().nonnegative(), at: At }),
);
export const ViewerLeft = defineEvent('ViewerLeft', z.object({ leftAt: At }));
export const ViewerExpired = defineEvent('ViewerExpired', z.object({ expiredAt: At, lastHeartbeatAt: At }));

export const viewerSessionEventDefinitions = [ViewerJoined, HeartbeatRecorded, ViewerLeft, ViewerExpired] as const;
/** Derived from the definitions: an event missing from the array is missing from the union. */
export type ViewerSessionEvent = EventsOf<typeof viewerSessionEventDefinitions>;
