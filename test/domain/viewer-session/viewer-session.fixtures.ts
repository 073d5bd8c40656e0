import type { ViewerSessionCommand, ViewerSessionEvent } from '../../../src/domain/viewer-session/index.js';
import type { ChannelId, SessionId, UserId } from '../../../src/domain/shared/ids.js';

export const join: Extract<ViewerSessionCommand, { type: 'Join' }> = {
  type: 'Join',
  sessionId: 's1' as SessionId,
  channelId: 'c1' as ChannelId,
  userId: 'u1' as UserId,
  at: 1_000,
};
export const joined: ViewerSessionEvent = {
  type: 'ViewerJoined',
  data: { sessionId: 's1' as SessionId, channelId: 'c1' as ChannelId, userId: 'u1' as UserId, joinedAt: 1_000 },
};
export const heartbeat = (sequence: number, at: number): ViewerSessionCommand => ({ type: 'Heartbeat', sequence, at });
export const recorded = (sequence: number, at: number): ViewerSessionEvent => ({
  type: 'HeartbeatRecorded',
  data: { sequence, at },
});
export const leave = (at: number): ViewerSessionCommand => ({ type: 'Leave', at });
export const left = (leftAt: number): ViewerSessionEvent => ({ type: 'ViewerLeft', data: { leftAt } });
export const expire = (at: number, ttlMs = 15_000): ViewerSessionCommand => ({ type: 'Expire', at, ttlMs });
export const expired = (expiredAt: number, lastHeartbeatAt: number): ViewerSessionEvent => ({
  type: 'ViewerExpired',
  data: { expiredAt, lastHeartbeatAt },
});
