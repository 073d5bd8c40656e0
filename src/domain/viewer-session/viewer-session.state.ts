import type { ChannelId, SessionId, UserId } from '../shared/ids.js';
import type { ViewerSessionEvent } from './viewer-session.events.js';

export interface ViewerSessionInfo {
  readonly sessionId: SessionId;
  readonly channelId: ChannelId;
  /** Null for an anonymous viewer. */
  readonly userId: UserId | null;
  readonly joinedAt: number;
}

interface Liveness {
  readonly session: ViewerSessionInfo;
  /** The highest heartbeat sequence accepted; null before the first heartbeat. */
  readonly lastSequence: number | null;
  /** When the session last showed life (joining counts); expiry is measured from here. */
  readonly lastHeartbeatAt: number;
}

export type ViewerSessionState =
  | { readonly status: 'NONE' }
  | ({ readonly status: 'ACTIVE' } & Liveness)
  | ({ readonly status: 'LEFT'; readonly leftAt: number } & Liveness)
  | ({ readonly status: 'EXPIRED'; readonly expiredAt: number } & Liveness);

export const initialViewerSessionState: ViewerSessionState = { status: 'NONE' };

export const evolveViewerSession = (state: ViewerSessionState, event: ViewerSessionEvent): ViewerSessionState => {
  switch (event.type) {
    case 'ViewerJoined': {
      const { sessionId, channelId, userId, joinedAt } = event.data;
      return {
        status: 'ACTIVE',
        session: { sessionId, channelId, userId, joinedAt },
        lastSequence: null,
        lastHeartbeatAt: joinedAt,
      };
    }
    case 'HeartbeatRecorded':
      if (state.status !== 'ACTIVE') return state;
      // The sequence orders beats; `at` comes from whichever server received the beat, so a
      // newer beat may carry an earlier clock reading. Never move liveness backwards.
      return {
        ...state,
        lastSequence: event.data.sequence,
        lastHeartbeatAt: Math.max(state.lastHeartbeatAt, event.data.at),
      };
    case 'ViewerLeft':
      return state.status === 'ACTIVE' ? { ...state, status: 'LEFT', leftAt: event.data.leftAt } : state;
    case 'ViewerExpired':
      return state.status === 'ACTIVE' ? { ...state, status: 'EXPIRED', expiredAt: event.data.expiredAt } : state;
  }
};
