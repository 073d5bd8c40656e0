import type { AppSyncEventsTransport, ViewerClient } from '../../src/client/viewer-client.js';
import { postApi } from '../shared/api.js';
import { config } from '../shared/config.js';
import { accessToken } from '../shared/identity.js';

/**
 * Which way the live room's traffic goes, chosen by config.js (`broadcaster`):
 *
 * | what              | `apigateway`                 | `appsync-events`                                  |
 * | ----------------- | ---------------------------- | ------------------------------------------------- |
 * | feed frames       | WebSocket API (`join`)       | Event API subscription `/live/<channel>`          |
 * | chat, likes       | frames on the WebSocket      | `POST /api/channels/{id}/chat`, `…/likes`         |
 * | heartbeats        | frames on the WebSocket      | `POST /api/channels/{id}/heartbeats` (signed in)  |
 * | bids              | `POST /api/auctions/{id}/bids` on both                                            |
 *
 * On the Event API only the fan-out may publish (IAM), so a viewer's own actions go over the
 * HTTP API, with the same validation and per-user budgets as the frames (docs/PROTOCOL.md).
 * Heartbeats over HTTP are for the local runtime and small stacks: at the seed's scale a
 * deployed stack counts viewers through the CDN beacon (presenceIngress=beacon), which keeps
 * 100,000 beats/s off the HTTP API — the page must beat there instead once it has a beacon URL.
 */
export const usesEventApi = (): boolean => config.broadcaster === 'appsync-events' && config.eventApi !== null;

/**
 * The client's AppSync Events transport for the current user: their token (the HTTP API's
 * issuer), or the anonymous viewers' API key when the stack gives one. Undefined on the
 * WebSocket API. Throws when there is neither (the page says it cannot connect and retries).
 */
export const eventApiTransport = async (): Promise<AppSyncEventsTransport | undefined> => {
  const api = config.eventApi;
  if (!usesEventApi() || api === null) return undefined;
  const token = await accessToken();
  const auth = token ? { token } : api.apiKey ? { apiKey: api.apiKey } : null;
  if (auth === null) throw new Error('watching needs a token: no tokenUrl and no Event API key in config.js');
  return { kind: 'appsync-events', realtimeUrl: api.realtimeUrl, host: api.host, namespace: api.namespace, auth };
};

/** A room's outgoing actions, on whichever path the broadcaster leaves for them. */
export interface Outbox {
  chat(text: string): Promise<void>;
  like(count: number): Promise<void>;
  heartbeat(sessionId: string, sequence: number): Promise<void>;
}

export const outboxFor = (client: ViewerClient, channelId: string): Outbox => {
  if (!usesEventApi()) {
    return {
      // `send` throws when the socket is gone: the promise rejects and the page says so.
      chat: async (text) => client.chat(text),
      like: async (count) => client.like(count),
      heartbeat: async (sessionId, sequence) => client.send({ action: 'heartbeat', channelId, sessionId, sequence }),
    };
  }
  const path = `/api/channels/${encodeURIComponent(channelId)}`;
  return {
    chat: async (text) => void (await postApi(`${path}/chat`, { text })),
    like: async (count) => void (await postApi(`${path}/likes`, { count })),
    heartbeat: async (sessionId, sequence) => {
      // Beats count a signed-in session (the route needs a token); an anonymous viewer sends none.
      if (await accessToken()) await postApi(`${path}/heartbeats`, { sessionId, sequence });
    },
  };
};
