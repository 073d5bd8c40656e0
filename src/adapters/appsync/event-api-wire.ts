import { z } from 'zod';

/**
 * The AppSync Events (Event API) wire format, as AWS documents it
 * (https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html and
 * …/publish-http.html; fixtures of every message in test/fixtures/appsync-events/). Shared by
 * the HTTP publisher and the local stand-in, so both read one definition of the limits.
 */

/** Events per publish request (HTTP and WebSocket). */
export const MAX_EVENTS_PER_PUBLISH = 5;
/**
 * 240 KB per event (event-api-concepts.html); AppSync drops a larger event silently and the
 * limit counts the event id it adds, so the publisher keeps a margin below it.
 */
export const MAX_EVENT_BYTES = 240 * 1024;
export const PUBLISH_EVENT_BYTES = MAX_EVENT_BYTES - 1024;

/** The WebSocket subprotocol every connection names, next to `header-<base64url(auth JSON)>`. */
export const EVENT_WS_SUBPROTOCOL = 'aws-appsync-event-ws';
export const AUTH_SUBPROTOCOL_PREFIX = 'header-';
/** What connection_ack announces: close the socket when no `ka` arrives within it. */
export const CONNECTION_TIMEOUT_MS = 300_000;

const segment = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?';
/** 1–5 segments of ≤ 50 letters, digits and inner hyphens; the leading slash is optional. */
export const CHANNEL_PATTERN = new RegExp(`^/?${segment}(?:/${segment}){0,4}/?$`);
/** Subscriptions may end in a wildcard segment. */
export const SUBSCRIBE_CHANNEL_PATTERN = new RegExp(`^/?${segment}(?:/${segment}){0,3}(?:/(?:${segment}|\\*))?/?$`);
export const OPERATION_ID_PATTERN = /^[a-zA-Z0-9-_+]{1,128}$/;

/** The channel a live channel's frames are published to, in the `live` namespace. */
export const liveChannelOf = (namespace: string, channelId: string): string => `/${namespace}/${channelId}`;

/** Base64URL without padding: how the auth object rides in the `header-…` subprotocol. */
export const encodeAuthSubprotocol = (auth: Readonly<Record<string, string>>): string =>
  `${AUTH_SUBPROTOCOL_PREFIX}${Buffer.from(JSON.stringify(auth), 'utf8').toString('base64url')}`;

/** The auth object of a `header-…` subprotocol; null when it is not one or does not decode to a JSON object of strings. */
export const decodeAuthSubprotocol = (protocol: string): Record<string, string> | null => {
  if (!protocol.startsWith(AUTH_SUBPROTOCOL_PREFIX)) return null;
  try {
    const parsed = z
      .record(z.string(), z.string())
      .safeParse(JSON.parse(Buffer.from(protocol.slice(AUTH_SUBPROTOCOL_PREFIX.length), 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/** Each event is a JSON value serialised to a string. */
const JsonString = z.string().refine((s) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}, 'each event must be a stringified JSON value');

export const PublishRequest = z.object({
  channel: z.string().regex(CHANNEL_PATTERN, 'channel: 1–5 segments of letters, digits and inner hyphens'),
  events: z.array(JsonString).min(1).max(MAX_EVENTS_PER_PUBLISH),
});
export type PublishRequest = z.infer<typeof PublishRequest>;

const PublishedEvent = z.object({ identifier: z.string(), index: z.number().int().nonnegative() }).loose();
/** `failed` entries carry at least `index`; other fields are not documented. */
export const PublishResponse = z.object({
  successful: z.array(PublishedEvent),
  failed: z.array(PublishedEvent.partial({ identifier: true })),
});
export type PublishResponse = z.infer<typeof PublishResponse>;

/**
 * The form of a SigV4 Authorization header for the Event API: service `appsync`. The stand-in
 * checks this form only; it does not recompute signatures.
 */
export const SIGV4_APPSYNC_AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=[^/\s]+\/\d{8}\/[a-z0-9-]+\/appsync\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

const errorsField = z.array(z.object({ errorType: z.string(), message: z.string() }));
const opId = z.string().regex(OPERATION_ID_PATTERN);

/** Messages a client sends over the WebSocket. */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connection_init') }),
  z.object({
    type: z.literal('subscribe'),
    id: opId,
    channel: z.string(),
    authorization: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ type: z.literal('unsubscribe'), id: opId }),
  z.object({
    type: z.literal('publish'),
    id: opId,
    channel: z.string(),
    events: z.array(z.string()),
    authorization: z.record(z.string(), z.string()).optional(),
  }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/** Messages the service sends over the WebSocket. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connection_ack'), connectionTimeoutMs: z.number().int().positive() }),
  z.object({ type: z.literal('ka') }),
  z.object({ type: z.literal('subscribe_success'), id: z.string() }),
  z.object({ type: z.literal('subscribe_error'), id: z.string(), errors: errorsField }),
  // The docs show `event` as an array of JSON strings; Amplify reads one JSON string. Both are accepted.
  z.object({ type: z.literal('data'), id: z.string(), event: z.union([z.string(), z.array(z.string())]) }),
  z.object({ type: z.literal('broadcast_error'), id: z.string(), errors: errorsField }),
  z.object({ type: z.literal('unsubscribe_success'), id: z.string() }),
  z.object({ type: z.literal('unsubscribe_error'), id: z.string(), errors: errorsField }),
  z.object({
    type: z.literal('publish_success'),
    id: z.string(),
    successful: z.array(PublishedEvent),
    failed: z.array(PublishedEvent.partial({ identifier: true })),
  }),
  z.object({ type: z.literal('publish_error'), id: z.string(), errors: errorsField }),
  // Not in the Event API docs (Amplify handles both): a refused handshake message and an unclassified error.
  z.object({ type: z.literal('connection_error'), errors: errorsField }),
  z.object({ type: z.literal('error'), errors: errorsField, id: z.string().optional() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
