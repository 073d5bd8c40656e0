import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json)/i;

/**
 * Past this many bytes the local server stops draining an oversized body and answers at once
 * (closing the connection), as API Gateway's HTTP API refuses payloads over 10 MB. Up to it,
 * the body is read and discarded first so the 413 reaches a client that is still sending: a
 * server that closes on unread data makes the peer's TCP stack reset the connection, and the
 * reset can destroy the answer before the client reads it.
 */
export const MAX_DRAINED_BODY_BYTES = 10 * 1024 * 1024;

/** A request body as read: the bytes, or only how many there were when over the limit. */
export type ReadRequestBody =
  | { readonly tooLarge: false; readonly body: Buffer }
  | {
      readonly tooLarge: true;
      readonly bytes: number;
      /** false: the client may still be sending; close the connection. */ readonly drained: boolean;
    };

/** The client went away mid-request: nothing to answer, nothing to log. */
export class ClientAbortedError extends Error {
  override readonly name = 'ClientAbortedError';
}

/** The body size a request declares (Content-Length), if any. */
export const declaredBodyBytes = (req: IncomingMessage): number | undefined => {
  const value = req.headers['content-length'];
  return value !== undefined && /^\d{1,16}$/.test(value) ? Number(value) : undefined;
};

/**
 * Reads a request body, keeping at most `limit` bytes: a larger one is counted and discarded
 * (memory stays bounded) until `drainLimit`, then left unread.
 */
export const readRequestBody = (
  req: IncomingMessage,
  limit: number,
  drainLimit = MAX_DRAINED_BODY_BYTES,
): Promise<ReadRequestBody> =>
  new Promise((resolve, reject) => {
    const declared = declaredBodyBytes(req);
    if (declared !== undefined && declared > drainLimit) {
      resolve({ tooLarge: true, bytes: declared, drained: false });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > drainLimit) {
        req.off('data', onData);
        req.pause();
        resolve({ tooLarge: true, bytes: size, drained: false });
      }
    };
    req.on('data', onData);
    req.on('end', () =>
      resolve(
        size > limit
          ? { tooLarge: true, bytes: size, drained: true }
          : { tooLarge: false, body: Buffer.concat(chunks) },
      ),
    );
    req.on('error', (error) => reject(new ClientAbortedError('the client aborted the request', { cause: error })));
    // A connection that closes before the body's end never emits 'end' (a promise resolved already ignores this).
    req.on('close', () => {
      if (!req.complete) reject(new ClientAbortedError('the client aborted the request'));
    });
  });

let textSecond = -1;
let text = '';
/** `requestContext.time`, formatted once per second (a busy edge asks thousands of times a second). */
const timeText = (epochMs: number): string => {
  const second = Math.floor(epochMs / 1000);
  if (second !== textSecond) {
    textSecond = second;
    text = new Date(second * 1000).toUTCString();
  }
  return text;
};

/**
 * The path and query of a request target, as `new URL(target, base)` reads them. A target made
 * only of characters a URL keeps as they are, with no dot segment and no `%`, `?` or `\\` in it
 * (every API call of a booking rush), is taken as it is: parsing a URL was 3 % of the edge's
 * time under load. Anything else (`..`, percent-escapes, a query, `//host`) goes through `URL`.
 */
export interface RequestTarget {
  readonly pathname: string;
  /** `?…` or `''`, as `URL.search`. */
  readonly search: string;
  /**
   * The whole target as a URL, for the static pages (parsed when first asked for). Not rebuilt
   * from `pathname`: a target such as `/..///..` reads as path `//`, which alone holds no URL.
   */
  url(): URL;
}
const BASE = 'http://localhost';
const PLAIN_TARGET = /^\/(?![/.])(?:[A-Za-z0-9\-_~!$&'()*+,;=:@]|\/(?![/.])|\.(?!\.?(?:\/|$)))*$/;
/** `null`: a target no URL can hold (`//` names an empty host), to be answered 400. */
export const requestTarget = (rawTarget: string | undefined): RequestTarget | null => {
  const raw = rawTarget ?? '/';
  if (raw === '/' || PLAIN_TARGET.test(raw)) return { pathname: raw, search: '', url: () => new URL(raw, BASE) };
  // The host plays no part in the path or the query (a `//host/…` target names its own).
  const url = URL.parse(raw, BASE);
  return url === null ? null : { pathname: url.pathname, search: url.search, url: () => url };
};

let idPrefix = '';
let idCounter = 0;
/**
 * Unique `requestContext.requestId`s: a random prefix per process and a counter (API
 * Gateway's own ids are opaque strings, not UUIDs; one random draw per request was 1.5 % of the
 * edge's time under load).
 */
const nextRequestId = (): string => {
  if (idPrefix === '') idPrefix = randomUUID().slice(0, 13);
  return `${idPrefix}${(++idCounter).toString(16).padStart(11, '0')}`;
};

/** The HTTP API (payload format 2.0) event API Gateway would send for this request. */
export const toHttpApiEvent = (req: IncomingMessage, body: Buffer, target: RequestTarget): APIGatewayProxyEventV2 => {
  // Built with plain loops and assignments, not entries() copies and spreads: this runs for
  // every request of a rush (it was 8 % of the edge's time under load).
  const headers: Record<string, string> = {};
  const incoming = req.headers;
  for (const name in incoming) {
    const value = incoming[name];
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const host = headers['host'] ?? 'localhost';
  const isText = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
  const now = Date.now();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: target.pathname,
    rawQueryString: target.search.startsWith('?') ? target.search.slice(1) : target.search,
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? 'localhost',
      http: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: target.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: nextRequestId(),
      routeKey: '$default',
      stage: '$default',
      time: timeText(now),
      timeEpoch: now,
    },
    isBase64Encoded: body.length > 0 && !isText,
  };
  const cookies = incoming.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  if (cookies !== undefined && cookies.length > 0) event.cookies = cookies;
  if (target.search.length > 1) {
    const query: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(target.search)) {
      query[name] = name in query ? `${query[name]},${value}` : value;
    }
    event.queryStringParameters = query;
  }
  if (body.length > 0) event.body = isText ? body.toString('utf8') : body.toString('base64');
  return event;
};

/** Writes a handler's result the way API Gateway turns it into an HTTP response. */
export const writeHttpApiResult = (res: ServerResponse, result: APIGatewayProxyResultV2): void => {
  if (typeof result === 'string' || result === undefined || result === null) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(result ?? '');
    return;
  }
  if (typeof result !== 'object' || !('statusCode' in result || 'body' in result || 'headers' in result)) {
    // API Gateway serialises any other value as a 200 JSON body.
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = {};
  const given = result.headers;
  if (given !== undefined) for (const name in given) headers[name.toLowerCase()] = String(given[name]);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  // Like API Gateway, answer with a Content-Length: writeHead without one makes Node send chunked.
  headers['content-length'] = String(body === undefined ? 0 : Buffer.byteLength(body));
  res.writeHead(result.statusCode ?? 200, headers).end(body);
};
