import { z } from 'zod';
import type { HeartbeatInput } from '../../application/presence/accept-heartbeat.js';
import { ChannelId, SessionId, UserId } from '../../domain/shared/ids.js';
import { authenticatedUser, json, pathParam, readBody, route, type ApiRoutes } from './api-route.js';

export interface PresenceRoutesDeps {
  readonly acceptHeartbeat: (input: HeartbeatInput) => Promise<{ readonly at: number }>;
  readonly onUnexpected: (error: unknown) => void;
}

export const Sequence = z
  .number()
  .int('sequence must be an integer')
  .nonnegative('sequence must be ≥ 0')
  .max(Number.MAX_SAFE_INTEGER);
/** `userId` is accepted for older clients and IGNORED: a beat counts for the verified caller, or anonymously. */
export const HeartbeatBody = z.object({ sessionId: SessionId, sequence: Sequence, userId: UserId.optional() });

/**
 * `POST /api/channels/{channelId}/heartbeats` — for players without a WebSocket. Answered 202
 * once queued: whether the beat counts (newer than the last one) is the consumer's decision.
 * Like every POST it needs a bearer token (route-access.ts): anonymous viewers are counted over
 * the WebSocket, where each connection has its own budget.
 */
export const makePresenceRoutes = (deps: PresenceRoutesDeps): ApiRoutes => ({
  'POST /api/channels/{channelId}/heartbeats': route(async (event) => {
    const channelId = pathParam(event, 'channelId', ChannelId);
    const body = readBody(event, HeartbeatBody);
    const userId = authenticatedUser(event) ?? null;
    const { at } = await deps.acceptHeartbeat({
      channelId,
      sessionId: body.sessionId,
      userId,
      sequence: body.sequence,
    });
    return json(202, { status: 'QUEUED', at });
  }, deps.onUnexpected),
});
