import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HandlerLogger } from '../handlers/sqs-record-body.js';
import {
  bodyBytes,
  errorResponse,
  json,
  MAX_HTTP_BODY_BYTES,
  PayloadTooLargeError,
  type ApiRouteHandler,
  type ApiRoutes,
} from './api-route.js';

type Segment = { readonly literal: string } | { readonly param: string; readonly greedy: boolean };

interface CompiledRoute {
  readonly key: string;
  readonly method: string;
  readonly segments: readonly Segment[];
  readonly handler: ApiRouteHandler;
  /** Literal segments first: `/api/channels/new` wins over `/api/channels/{id}`. */
  readonly specificity: number;
}

export interface HttpRouterOptions {
  readonly logger: HandlerLogger;
  /**
   * Adds CORS headers and answers preflights. `allowedOrigins` are exact origins
   * (`https://pages.example.com`); a request from one of them gets it echoed back with
   * `vary: origin`, any other origin gets no CORS header. `*` answers every origin with `*`:
   * the local runtime only. In AWS the list is the function's ALLOWED_ORIGINS, the same the
   * HTTP API's own CORS configuration holds (behind the HTTP API its headers win; behind
   * anything else this is what a browser sees).
   */
  readonly cors?: { readonly allowedOrigins: readonly string[] };
}

/** The request's Origin header (API Gateway v2 lower-cases header names; the local server does too). */
const originOf = (event: APIGatewayProxyEventV2): string | undefined => {
  const headers = event.headers ?? {};
  return headers['origin'] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === 'origin')?.[1];
};

/**
 * HEAD is GET without a body (RFC 9110 §9.3.2): uptime checkers and CDNs send it. Headers stay,
 * including content-type; API Gateway and the local server then send no body.
 */
const withoutBody = (result: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 => {
  const { body: _body, isBase64Encoded: _encoded, ...rest } = result;
  return rest;
};

const splitPath = (path: string): string[] => path.split('/').filter((s) => s.length > 0);

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** A request path as the router matches it: non-empty segments, each percent-decoded. */
export const requestPathSegments = (path: string): string[] => splitPath(path).map(safeDecode);

const compile = (key: string, handler: ApiRouteHandler): CompiledRoute => {
  const match = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/\S*)$/.exec(key);
  if (!match) throw new Error(`route key '${key}' must look like 'GET /api/things/{id}'`);
  const segments = splitPath(match[2] as string).map((s): Segment => {
    const param = /^\{([A-Za-z_][\w]*)(\+?)\}$/.exec(s);
    return param ? { param: param[1] as string, greedy: param[2] === '+' } : { literal: s };
  });
  const specificity = segments.reduce((n, s) => n * 3 + ('literal' in s ? 2 : s.greedy ? 0 : 1), 1);
  return { key, method: match[1] as string, segments, handler, specificity };
};

const matchPath = (segments: readonly Segment[], parts: readonly string[]): Record<string, string> | null => {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    const part = parts[i];
    if ('literal' in segment) {
      if (part !== segment.literal) return null;
      continue;
    }
    if (segment.greedy) {
      if (i !== segments.length - 1 || part === undefined) return null;
      params[segment.param] = parts.slice(i).join('/');
      return params;
    }
    if (part === undefined) return null;
    params[segment.param] = part;
  }
  return parts.length === segments.length ? params : null;
};

/**
 * The one HTTP entry (`http-api` Lambda and the local server): API Gateway v2 events are routed
 * by their route key when API Gateway already matched one, else by method and path (a
 * `$default` / proxy integration), with `pathParameters` filled as API Gateway would. Features
 * register their route tables (`booking.routes.ts`, `live.routes.ts`, …); unknown paths get
 * 404, known paths with another method 405, and anything a route throws becomes an error
 * answer (`errorResponse`), never a crash.
 */
export class HttpRouter {
  private readonly routes: CompiledRoute[] = [];
  private readonly byKey = new Map<string, CompiledRoute>();

  constructor(private readonly options: HttpRouterOptions) {}

  add(routes: ApiRoutes): this {
    for (const [key, handler] of Object.entries(routes)) {
      if (this.byKey.has(key)) throw new Error(`HTTP route '${key}' is registered twice`);
      const compiled = compile(key, handler);
      this.byKey.set(key, compiled);
      this.routes.push(compiled);
    }
    this.routes.sort((a, b) => b.specificity - a.specificity);
    return this;
  }

  keys(): string[] {
    return [...this.byKey.keys()].sort();
  }

  /** Whether any route (of any method) matches this path: a server that also serves pages answers the rest with its own 404 page. */
  hasPath(path: string): boolean {
    const parts = requestPathSegments(path);
    return this.routes.some((route) => matchPath(route.segments, parts) !== null);
  }

  readonly handle = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath || event.requestContext.http.path;
    const bytes = bodyBytes(event);
    // Every route, including those that read no body: an oversized request is refused unparsed.
    const answered =
      bytes > MAX_HTTP_BODY_BYTES
        ? errorResponse(new PayloadTooLargeError(bytes, MAX_HTTP_BODY_BYTES), () => undefined)
        : await this.dispatch(method, path, event);
    const result = method === 'HEAD' ? withoutBody(answered) : answered;
    const allowOrigin = this.allowOrigin(event);
    return allowOrigin === undefined
      ? result
      : { ...result, headers: { ...result.headers, 'access-control-allow-origin': allowOrigin, vary: 'origin' } };
  };

  private allowOrigin(event: APIGatewayProxyEventV2): string | undefined {
    const allowed = this.options.cors?.allowedOrigins ?? [];
    if (allowed.includes('*')) return '*';
    const origin = originOf(event);
    return origin !== undefined && allowed.includes(origin) ? origin : undefined;
  }

  private async dispatch(
    method: string,
    path: string,
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const direct = this.byKey.get(event.routeKey);
    if (direct) return this.run(direct, event, (event.pathParameters ?? {}) as Record<string, string>);
    const parts = requestPathSegments(path);
    const allowed = new Set<string>();
    // HEAD is answered wherever GET is, for every route at once (a HEAD route, if one is registered, wins).
    let getForHead: { route: CompiledRoute; params: Record<string, string> } | undefined;
    for (const route of this.routes) {
      const params = matchPath(route.segments, parts);
      if (!params) continue;
      if (route.method === method || route.method === 'ANY') return this.run(route, event, params);
      if (method === 'HEAD' && route.method === 'GET') getForHead ??= { route, params };
      allowed.add(route.method);
      if (route.method === 'GET') allowed.add('HEAD');
    }
    if (getForHead !== undefined) return this.run(getForHead.route, event, getForHead.params);
    if (allowed.size > 0 && method === 'OPTIONS' && this.options.cors) {
      return {
        statusCode: 204,
        headers: {
          'access-control-allow-methods': [...allowed, 'OPTIONS'].join(', '),
          'access-control-allow-headers': 'content-type, authorization, x-correlation-id',
          'access-control-max-age': '600',
        },
      };
    }
    if (allowed.size > 0) {
      const response = json(405, {
        error: {
          code: 'METHOD_NOT_ALLOWED',
          message: `${method} is not allowed on ${path}; use ${[...allowed].join(' or ')}`,
        },
      });
      return { ...response, headers: { ...response.headers, allow: [...allowed].join(', ') } };
    }
    return json(404, { error: { code: 'ROUTE_NOT_FOUND', message: `no route for ${method} ${path}` } });
  }

  private async run(
    route: CompiledRoute,
    event: APIGatewayProxyEventV2,
    params: Record<string, string>,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    try {
      return await route.handler({
        ...event,
        routeKey: route.key,
        ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
      });
    } catch (error) {
      return errorResponse(error, (unexpected) =>
        this.options.logger.error('HTTP route failed unexpectedly', {
          route: route.key,
          requestId: event.requestContext.requestId,
          error: unexpected,
        }),
      );
    }
  }
}
