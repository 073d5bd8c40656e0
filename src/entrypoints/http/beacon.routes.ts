import type { GrantBeacon } from '../../application/presence-stream/beacon-grant.js';
import { ChannelId } from '../../domain/shared/ids.js';
import { json, pathParam, route, type ApiRoutes } from './api-route.js';

export interface BeaconRoutesDeps {
  readonly grantBeacon: GrantBeacon;
  readonly onUnexpected: (error: unknown) => void;
}

/**
 * `GET /api/channels/{channelId}/beacon` — the HTTP join answer of the beacon presence path, for
 * viewers without an API Gateway WebSocket (the AppSync Events broadcaster): a new playback
 * session and its beacon token (PROTOCOL.md, "Presence beacon"). Public like every read: anonymous
 * viewers are counted too. Nothing is stored, so the answer is never cached (each is a new session).
 */
export const makeBeaconRoutes = (deps: BeaconRoutesDeps): ApiRoutes => ({
  'GET /api/channels/{channelId}/beacon': route(async (event) => {
    const channelId = pathParam(event, 'channelId', ChannelId);
    const answer = json(200, deps.grantBeacon(channelId));
    return { ...answer, headers: { ...answer.headers, 'cache-control': 'no-store' } };
  }, deps.onUnexpected),
});
