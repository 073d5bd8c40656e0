import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiRoutes } from '../../src/entrypoints/http/api-route.js';
import { jwtAuthorizerFor } from '../support/auth.js';

/** An API Gateway HTTP API (payload 2.0) event for a route key such as `POST /api/trips/{tripId}/bookings`. */
export const httpEvent = (
  routeKey: string,
  /** `as`: the user a JWT authorizer verified (claims in requestContext.authorizer.jwt); none: no authorizer ran. */
  options: {
    path?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
    query?: Record<string, string>;
    as?: string;
  } = {},
): APIGatewayProxyEventV2 => {
  const [method = 'GET', template = '/'] = routeKey.split(' ');
  const rawPath = template.replace(/\{(\w+)\}/g, (_, name: string) => options.path?.[name] ?? `{${name}}`);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.path ? { pathParameters: options.path } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
      ...(options.as === undefined ? {} : jwtAuthorizerFor(options.as)),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
};

/** Calls a route by key and parses the JSON answer. */
export const call = async (routes: ApiRoutes, routeKey: string, options: Parameters<typeof httpEvent>[1] = {}) => {
  const handler = routes[routeKey];
  if (!handler) throw new Error(`no route ${routeKey}`);
  const result: APIGatewayProxyStructuredResultV2 = await handler(httpEvent(routeKey, options));
  return {
    status: result.statusCode ?? 200,
    body: result.body ? (JSON.parse(result.body) as Record<string, any>) : undefined,
  };
};
