import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/application/command-handler.js';
import { DomainError } from '../../../src/domain/shared/errors.js';
import { json } from '../../../src/entrypoints/http/api-route.js';
import { HttpRouter } from '../../../src/entrypoints/http/router.js';
import { httpEvent } from '../http-test-events.js';

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** What API Gateway sends for a `$default` (proxy) route: the router must match the path itself. */
const proxied = (method: string, path: string): APIGatewayProxyEventV2 => {
  const e = httpEvent(`${method} ${path}`);
  return { ...e, routeKey: '$default', requestContext: { ...e.requestContext, routeKey: '$default' } };
};
const parse = (r: { statusCode?: number; body?: string; headers?: Record<string, unknown> }) => ({
  status: r.statusCode,
  body: r.body ? (JSON.parse(r.body) as Record<string, any>) : undefined,
  headers: r.headers,
});

describe('HttpRouter', () => {
  const router = new HttpRouter({ logger, cors: { allowedOrigins: ['*'] } })
    .add({
      'GET /api/things/{id}': async (e) => json(200, { id: e.pathParameters?.['id'], route: e.routeKey }),
      'GET /api/things/special': async () => json(200, { special: true }),
      'DELETE /api/things/{id}': async () => {
        throw new ConflictError('thing-1', 5);
      },
      'POST /api/things': async () => {
        throw new DomainError('CHANNEL_NOT_FOUND', 'no such channel', { field: 'channelId' });
      },
      'GET /api/files/{path+}': async (e) => json(200, { path: e.pathParameters?.['path'] }),
    })
    .add({ 'PUT /api/boom': async () => Promise.reject(new Error('bug')) });

  it('matches by path when API Gateway forwarded everything, filling pathParameters and preferring literal segments', async () => {
    expect(parse(await router.handle(proxied('GET', '/api/things/t%201'))).body).toEqual({
      id: 't 1',
      route: 'GET /api/things/{id}',
    });
    expect(parse(await router.handle(proxied('GET', '/api/things/special'))).body).toEqual({ special: true });
    expect(parse(await router.handle(proxied('GET', '/api/files/a/b.txt'))).body).toEqual({ path: 'a/b.txt' });
  });

  it('uses the route key API Gateway already matched', async () => {
    expect(parse(await router.handle(httpEvent('GET /api/things/{id}', { path: { id: 'x' } }))).body).toMatchObject({
      id: 'x',
    });
  });

  it('answers 404 for unknown routes, 405 naming the allowed methods, and a CORS preflight', async () => {
    expect(parse(await router.handle(proxied('GET', '/api/nothing')))).toMatchObject({
      status: 404,
      body: { error: { code: 'ROUTE_NOT_FOUND' } },
    });
    const wrongMethod = parse(await router.handle(proxied('PATCH', '/api/things/1')));
    expect(wrongMethod).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD, DELETE' } });
    const preflight = parse(await router.handle(proxied('OPTIONS', '/api/things/1')));
    expect(preflight.status).toBe(204);
    expect(preflight.headers?.['access-control-allow-methods']).toContain('DELETE');
  });

  it('maps errors at the edge: ConflictError → 409, domain codes through the table, anything else → 500 without details', async () => {
    expect(parse(await router.handle(proxied('DELETE', '/api/things/1')))).toMatchObject({
      status: 409,
      body: { error: { code: 'CONFLICT' } },
    });
    expect(parse(await router.handle(proxied('POST', '/api/things')))).toMatchObject({
      status: 404,
      body: { error: { code: 'CHANNEL_NOT_FOUND', field: 'channelId' } },
    });
    const crash = parse(await router.handle(proxied('PUT', '/api/boom')));
    expect(crash).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL' } } });
    expect(JSON.stringify(crash.body)).not.toContain('bug');
  });

  it('refuses a route registered twice', () => {
    expect(() =>
      new HttpRouter({ logger })
        .add({ 'GET /a': async () => json(200, {}) })
        .add({ 'GET /a': async () => json(200, {}) }),
    ).toThrow(/twice/);
  });
});
