import type { Decider } from '../shared/decider.js';
import { fail } from '../shared/errors.js';
import type { ChannelId, SessionId, UserId } from '../shared/ids.js';
import type { ViewerSessionEvent } from './viewer-session.events.js';
import { hasExpired, isNewerHeartbeat } from './viewer-session.rules.js';
import { evolveViewerSession, initialViewerSessionState, type ViewerSessionState } from './viewer-session.state.js';

/** Times are epoch milliseconds supplied by the application layer. */
export type ViewerSessionCommand =
  | {
      readonly type: 'Join';
      readonly sessionId: SessionId;
      readonly channelId: ChannelId;
      readonly userId: UserId | null;
      readonly at: number;
    }
  /** `sequence` is the player's own counter, starting at 0. */
  | { readonly type: 'Heartbeat'; readonly sequence: number; readonly at: number }
  | { readonly type: 'Leave'; readonly at: number }
  /** Sent by a sweeper: expires the session if no heartbeat came for `ttlMs`. */
  | { readonly type: 'Expire'; readonly at: number; readonly ttlMs: number };

export type ViewerSessionErrorCode =
  'SESSION_NOT_FOUND' | 'SESSION_ALREADY_JOINED' | 'SESSION_ENDED' | 'INVALID_HEARTBEAT' | 'INVALID_TTL';

type Cmd<T extends ViewerSessionCommand['type']> = Extract<ViewerSessionCommand, { type: T }>;

/** Whether a heartbeat with this sequence would be recorded (not a duplicate, session live). */
export const acceptsHeartbeat = (state: ViewerSessionState, sequence: number): boolean =>
  state.status === 'ACTIVE' && isNewerHeartbeat(state.lastSequence, sequence);

const join = (c: Cmd<'Join'>, state: ViewerSessionState): ViewerSessionEvent[] => {
  if (state.status !== 'NONE') {
    const s = state.session;
    if (s.sessionId === c.sessionId && s.channelId === c.channelId && s.userId === c.userId) return []; // a redelivered Join
    return fail<ViewerSessionErrorCode>(
      'SESSION_ALREADY_JOINED',
      `session ${s.sessionId} already belongs to channel ${s.channelId}`,
    );
  }
  return [
    {
      type: 'ViewerJoined',
      data: { sessionId: c.sessionId, channelId: c.channelId, userId: c.userId, joinedAt: c.at },
    },
  ];
};

const heartbeat = (c: Cmd<'Heartbeat'>, state: ViewerSessionState): ViewerSessionEvent[] => {
  if (!Number.isSafeInteger(c.sequence) || c.sequence < 0) {
    return fail<ViewerSessionErrorCode>('INVALID_HEARTBEAT', 'sequence must be a non-negative integer');
  }
  if (state.status === 'NONE')
    return fail<ViewerSessionErrorCode>('SESSION_NOT_FOUND', 'the session has not joined; send Join first');
  // A duplicate or reordered beat is already reflected, whatever happened since: checked before
  // the ended test so that a redelivery after Leave is not an error.
  if (!isNewerHeartbeat(state.lastSequence, c.sequence)) return [];
  if (state.status !== 'ACTIVE') {
    return fail<ViewerSessionErrorCode>('SESSION_ENDED', 'the session has ended; join again with a new session id', {
      status: state.status,
    });
  }
  return [{ type: 'HeartbeatRecorded', data: { sequence: c.sequence, at: c.at } }];
};

const leave = (c: Cmd<'Leave'>, state: ViewerSessionState): ViewerSessionEvent[] => {
  if (state.status === 'NONE') return fail<ViewerSessionErrorCode>('SESSION_NOT_FOUND', 'the session has not joined');
  if (state.status !== 'ACTIVE') return []; // already not counted
  return [{ type: 'ViewerLeft', data: { leftAt: c.at } }];
};

const expire = (c: Cmd<'Expire'>, state: ViewerSessionState): ViewerSessionEvent[] => {
  if (!Number.isSafeInteger(c.ttlMs) || c.ttlMs <= 0)
    return fail<ViewerSessionErrorCode>('INVALID_TTL', 'ttlMs must be a positive integer');
  if (state.status === 'NONE') return fail<ViewerSessionErrorCode>('SESSION_NOT_FOUND', 'the session has not joined');
  if (state.status !== 'ACTIVE') return [];
  if (!hasExpired(state.lastHeartbeatAt, c.at, c.ttlMs)) return []; // a beat came in time: still watching
  return [{ type: 'ViewerExpired', data: { expiredAt: c.at, lastHeartbeatAt: state.lastHeartbeatAt } }];
};

export const viewerSessionDecider: Decider<ViewerSessionCommand, ViewerSessionEvent, ViewerSessionState> = {
  initialState: initialViewerSessionState,
  evolve: evolveViewerSession,
  decide(command, state) {
    switch (command.type) {
      case 'Join':
        return join(command, state);
      case 'Heartbeat':
        return heartbeat(command, state);
      case 'Leave':
        return leave(command, state);
      case 'Expire':
        return expire(command, state);
    }
  },
};
