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

/** The HTTP API (payload format 2.0) event API Gateway would send for this request. */
export const toHttpApiEvent = (req: IncomingMessage, body: Buffer, url: URL): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const cookies = req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  const isText = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.startsWith('?') ? url.search.slice(1) : url.search,
    headers,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: (headers['host'] ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: timeText(now),
      timeEpoch: now,
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
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
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  // Like API Gateway, answer with a Content-Length: writeHead without one makes Node send chunked.
  headers['content-length'] = String(body === undefined ? 0 : Buffer.byteLength(body));
  res.writeHead(result.statusCode ?? 200, headers).end(body);
};
