import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { RateLimitedError } from '../../application/abuse/action-gate.js';
import { ANONYMOUS, userActor, type Actor } from '../../application/auth/actor.js';
import { ConflictError } from '../../application/command-handler.js';
import type { ErrorCode } from '../../application/error-codes.js';
import { EnqueueError } from '../../application/ports/message-queue.port.js';
import { DomainError } from '../../domain/shared/errors.js';
import { UserId } from '../../domain/shared/ids.js';

/** One HTTP route: API Gateway v2 event in, structured result out (the same in Lambda and the local server). */
export type ApiRouteHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
/** Routes keyed by API Gateway route key, e.g. `POST /api/trips/{tripId}/bookings`. */
export type ApiRoutes = Readonly<Record<string, ApiRouteHandler>>;

/** Input the request itself got wrong: answered 400 naming the field. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
  constructor(
    readonly field: string,
    message: string,
    readonly issues: readonly { readonly field: string; readonly message: string }[] = [{ field, message }],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const fieldOf = (path: readonly PropertyKey[], prefix: string): string =>
  [prefix, ...path.map(String)].filter(Boolean).join('.');

/** Validates a value with zod; every failing field is named (prefixed, e.g. `body.seats`… or just `seats`). */
export const validate = <S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ field: fieldOf(i.path, prefix) || 'body', message: i.message }));
  const first = issues[0] ?? { field: prefix || 'body', message: 'invalid' };
  throw new BadRequestError(first.field, `${first.field}: ${first.message}`, issues, { cause: parsed.error });
};

/** `application/json` or a `+json` type (`application/merge-patch+json`), parameters allowed. */
const JSON_CONTENT_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;.*)?$/i;

/** A request header by name, whatever its case (API Gateway lower-cases them; hand-built events may not). */
const headerOf = (event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined => {
  const headers = event.headers ?? {};
  return headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
};

/**
 * The body is not declared JSON: 415, nothing parsed. Strict on purpose: `text/plain`,
 * `application/x-www-form-urlencoded` and `multipart/form-data` are the types a browser may
 * send cross-origin without a CORS preflight, so accepting JSON under them would let any page
 * post to this API in a signed-in user's name.
 */
export class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(readonly contentType: string | undefined) {
    super(
      `content-type: send the body as application/json${contentType === undefined ? '' : `, not ${contentType.slice(0, 100)}`}`,
    );
  }
}

/**
 * The JSON body validated with `schema`: a missing or non-JSON body is a 400 naming `body`, a
 * body over `MAX_HTTP_BODY_BYTES` a 413, one not sent as `application/json` a 415.
 */
export const readBody = <S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> => {
  if (event.body === undefined || event.body === '') throw new BadRequestError('body', 'body: a JSON body is required');
  const bytes = bodyBytes(event);
  if (bytes > MAX_HTTP_BODY_BYTES) throw new PayloadTooLargeError(bytes, MAX_HTTP_BODY_BYTES);
  const contentType = headerOf(event, 'content-type');
  if (contentType === undefined || !JSON_CONTENT_TYPE.test(contentType))
    throw new UnsupportedMediaTypeError(contentType);
  let value: unknown;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    value = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError('body', 'body: not valid JSON', undefined, { cause: error });
  }
  return validate(schema, value);
};

/**
 * A numeric query parameter: plain decimal digits only, then bounded. `z.coerce.number()` would
 * take `0x10`, `1e0`, ` 1` or `` (as 0), so a typo could silently read from the wrong place.
 */
export const decimalQueryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a plain decimal integer (digits only)')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A path parameter validated with `schema`, named by its route placeholder. */
export const pathParam = <S extends z.ZodType>(event: APIGatewayProxyEventV2, name: string, schema: S): z.infer<S> =>
  validate(schema, event.pathParameters?.[name], name);

/**
 * The caller's user id: the `sub` claim the HTTP API's JWT authorizer verified and put in
 * `requestContext.authorizer.jwt.claims` (the local runtime verifies tokens the same way and
 * fills the same place). Never a body or query field. Undefined on routes without an
 * authorizer, or when the subject is not a usable user id.
 */
export const authenticatedUser = (event: APIGatewayProxyEventV2): UserId | undefined => {
  const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer;
  const parsed = UserId.safeParse(authorizer?.jwt?.claims?.['sub']);
  return parsed.success ? parsed.data : undefined;
};

/** Who calls: the verified user, or anonymous. Use cases decide what an anonymous caller may do. */
export const actorOf = (event: APIGatewayProxyEventV2): Actor => {
  const userId = authenticatedUser(event);
  return userId === undefined ? ANONYMOUS : userActor(userId);
};

/**
 * The largest request body any route accepts. API Gateway allows 10 MB; nothing here needs
 * more than a few hundred bytes, and a bounded body bounds parse time and memory per call.
 */
export const MAX_HTTP_BODY_BYTES = 64 * 1024;

/** The body is over `MAX_HTTP_BODY_BYTES`: 413, nothing parsed. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`body: ${bytes} bytes is over the ${limit}-byte limit`);
  }
}

/** Bytes of an event's body as sent (base64 bodies are measured decoded). */
export const bodyBytes = (event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): number => {
  if (event.body === undefined || event.body === null) return 0;
  return event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body);
};

/** The statuses a rule violation may be answered with; faults are 500, never one of these. */
export type RuleStatus = 400 | 401 | 403 | 404 | 409 | 422 | 429;
/** A status for every code of `C`: a code missing from the map is a type error, not a silent 409. */
export type StatusByCode<C extends string> = { readonly [K in C]: RuleStatus };

export const STATUS_BY_CODE: StatusByCode<ErrorCode> = {
  // auction
  AUCTION_NOT_FOUND: 404,
  AUCTION_ALREADY_OPEN: 409,
  AUCTION_CLOSED: 409,
  AUCTION_ENDED: 409,
  AUCTION_NOT_ENDED: 409,
  BID_TOO_LOW: 409,
  BID_ID_REUSED: 409,
  SELLER_CANNOT_BID: 403,
  INVALID_BID: 400,
  INVALID_TERMS: 400,
  // live commerce (channels, viewers' read side)
  CHANNEL_NOT_FOUND: 404,
  CHANNEL_ALREADY_SCHEDULED: 409,
  CHANNEL_NOT_LIVE: 409,
  CHANNEL_ENDED: 409,
  PRODUCT_NOT_FOUND: 404,
  PRODUCT_ALREADY_LISTED: 409,
  AUCTION_ALREADY_ATTACHED: 409,
  INVALID_CHANNEL: 400,
  INVALID_PRODUCT: 400,
  INVALID_PRICE: 400,
  INVALID_VIEWER_COUNT: 400,
  CURRENCY_MISMATCH: 422,
  PRODUCT_LIMIT_REACHED: 422,
  STREAM_NOT_FOUND: 404,
  NOT_JOINED: 409,
  // booking
  TRIP_NOT_FOUND: 404,
  BOOKING_NOT_FOUND: 404,
  TRIP_ALREADY_SCHEDULED: 409,
  NOT_BOOKING_OWNER: 403,
  INVALID_TRIP: 400,
  INVALID_SEAT_COUNT: 400,
  BOOKING_STILL_QUEUED: 409,
  REQUEST_ID_REUSED: 409,
  // presence
  INVALID_HEARTBEAT: 400,
  INVALID_TTL: 400,
  SESSION_NOT_FOUND: 409,
  SESSION_ALREADY_JOINED: 409,
  SESSION_ENDED: 409,
  // budgets and identity (application/abuse, application/auth): no or bad token → 401;
  // someone else's channel or booking → 403
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 429,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
};

/** The status of a code, or undefined for a code no union declares (a bug: answered as a fault). */
export const statusOf = (code: string): RuleStatus | undefined =>
  Object.hasOwn(STATUS_BY_CODE, code) ? STATUS_BY_CODE[code as ErrorCode] : undefined;

/**
 * Maps what a use case threw to an answer the caller can act on: 400 naming the field, 404
 * naming what is missing, 409 for a rule the current state forbids (or a lost race), 503 when
 * the queue refused (retry with the same request id). Anything else — a stored event that does
 * not decode, a vendor error, a code no union declares — is a fault: reported to `onUnexpected`
 * (the error names the stream and version where it has them) and answered 500 `INTERNAL`,
 * with nothing of the store or its schemas in the body.
 */
export const errorResponse = (
  error: unknown,
  onUnexpected: (error: unknown) => void,
): APIGatewayProxyStructuredResultV2 => {
  if (error instanceof BadRequestError) {
    return json(400, {
      error: { code: 'INVALID_REQUEST', field: error.field, message: error.message, issues: error.issues },
    });
  }
  if (error instanceof PayloadTooLargeError) {
    return json(413, {
      error: { code: 'PAYLOAD_TOO_LARGE', field: 'body', message: error.message, limit: error.limit },
    });
  }
  if (error instanceof UnsupportedMediaTypeError) {
    return json(415, { error: { code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type', message: error.message } });
  }
  if (error instanceof RateLimitedError) {
    const response = json(429, {
      error: { code: error.code, message: error.message, retryAfterMs: error.retryAfterMs, details: error.details },
    });
    // Retry-After is whole seconds (RFC 9110); retryAfterMs in the body is the precise wait.
    return {
      ...response,
      headers: { ...response.headers, 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) },
    };
  }
  const status = error instanceof DomainError ? statusOf(error.code) : undefined;
  if (error instanceof DomainError && status !== undefined) {
    const field = typeof error.details.field === 'string' ? error.details.field : undefined;
    const response = json(status, {
      error: { code: error.code, message: error.message, ...(field ? { field } : {}), details: error.details },
    });
    // RFC 6750: a 401 says which scheme would be accepted.
    return error.code === 'UNAUTHENTICATED'
      ? { ...response, headers: { ...response.headers, 'www-authenticate': 'Bearer' } }
      : response;
  }
  if (error instanceof ConflictError) return json(409, { error: { code: error.code, message: error.message } });
  if (error instanceof EnqueueError) {
    onUnexpected(error);
    return json(503, {
      error: { code: 'QUEUE_UNAVAILABLE', message: 'the request could not be queued; retry with the same request id' },
    });
  }
  onUnexpected(error);
  return json(500, { error: { code: 'INTERNAL', message: 'unexpected error; it has been logged' } });
};

/** Wraps a route so that every failure becomes an answer, never a crash. */
export const route =
  (handle: ApiRouteHandler, onUnexpected: (error: unknown) => void): ApiRouteHandler =>
  async (event) => {
    try {
      return await handle(event);
    } catch (error) {
      return errorResponse(error, onUnexpected);
    }
  };
