/**
 * The viewer's feed over AWS AppSync Events (the `appsync-events` broadcaster): one WebSocket to
 * the Event API's real-time endpoint, one subscription to the channel `/<namespace>/<channelId>`.
 * Every `data` message carries one published event: a `feed` frame, exactly as the WebSocket API
 * sends it. No Node-only imports (browser and `ws` alike).
 *
 * Protocol (https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html):
 * subprotocols `aws-appsync-event-ws` and `header-<base64url(auth JSON)>`, then connection_init →
 * connection_ack, subscribe → subscribe_success, `ka` keep-alives, `data` messages.
 */

export interface AppSyncEventsTransport {
  readonly kind: 'appsync-events';
  /** wss://<realtimeDns>/event/realtime (locally the stand-in's ws://…/event/realtime). */
  readonly realtimeUrl: string;
  /** The HTTP endpoint's host (<httpDns>): AppSync validates the connection against it. */
  readonly host: string;
  /** The channel namespace the fan-out publishes in (default `live`). */
  readonly namespace?: string;
  /**
   * How the viewer authorises: a signed-in viewer's OIDC token (the same issuer as the HTTP API),
   * or, for anonymous watching where the stack allows it, the Event API's API key.
   */
  readonly auth: { readonly token: string } | { readonly apiKey: string };
}

export const APPSYNC_EVENTS_SUBPROTOCOL = 'aws-appsync-event-ws';

/** The auth object: `Authorization` for OIDC tokens, `x-api-key` for the API key; `host` always. */
export const authObjectOf = (transport: AppSyncEventsTransport): Record<string, string> =>
  'token' in transport.auth
    ? { host: transport.host, Authorization: transport.auth.token }
    : { host: transport.host, 'x-api-key': transport.auth.apiKey };

/** `header-` + base64url without padding of the auth object's JSON (UTF-8). */
export const authSubprotocol = (auth: Readonly<Record<string, string>>): string => {
  const bytes = new TextEncoder().encode(JSON.stringify(auth));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `header-${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
};

/**
 * The published events one `data` message carries, each parsed: the docs show `event` as an
 * array of JSON strings, AWS's own client reads one JSON string; both are accepted.
 */
export const eventsOfData = (message: Readonly<Record<string, unknown>>): unknown[] => {
  const raw: unknown[] = Array.isArray(message['event']) ? message['event'] : [message['event']];
  const out: unknown[] = [];
  for (const event of raw) {
    if (typeof event !== 'string') continue;
    try {
      out.push(JSON.parse(event));
    } catch {
      // An event that is not JSON is not ours: ignore it.
    }
  }
  return out;
};

/** A fresh operation id (the protocol: 1–128 of [a-zA-Z0-9-_+]). */
export const operationId = (): string => globalThis.crypto.randomUUID();
