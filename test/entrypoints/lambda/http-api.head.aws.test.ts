import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpEvent } from '../http-test-events.js';
import { awsEntryWorld, type AwsEntryWorld } from './aws-entry-world.js';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** A captured API Gateway v2 event with only method and path adapted (test/fixtures/apigw-v2/README.md). */
const fixture = (name: string): APIGatewayProxyEventV2 =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/apigw-v2/${name}.json`, import.meta.url), 'utf8'),
  ) as APIGatewayProxyEventV2;

const withPath = (event: APIGatewayProxyEventV2, path: string): APIGatewayProxyEventV2 => ({
  ...event,
  rawPath: path,
  pathParameters: { proxy: path.slice(1) },
  requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path } },
});

describe('http-api Lambda entry: HEAD and CORS on real API Gateway v2 envelopes', () => {
  let world: AwsEntryWorld;
  let handler: Handler;
  const PAGES = 'https://pages.example.com';

  beforeAll(async () => {
    world = await awsEntryWorld();
    // What the stack sets: the HTTP API's CORS origins, never a wildcard.
    world.env['ALLOWED_ORIGINS'] = `${PAGES},http://localhost:3000`;
    ({ handler } = (await world.importEntry(() => import('../../../src/entrypoints/lambda/http-api.handler.js'))) as {
      handler: Handler;
    });
  });
  afterAll(() => world?.stop());

  it('the captured sample event itself reaches the router (an unknown POST path is a 404, not a crash)', async () => {
    const answer = await handler(fixture('original-no-auth'));
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body ?? '{}')).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });

  it('HEAD /api/health → 200, the GET headers, no body', async () => {
    const answer = await handler(fixture('head-health'));
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBeUndefined();
    expect(answer.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  it('HEAD /api/channels/{id} → 200 with no body for a channel that exists, 404 with no body for one that does not', async () => {
    const channelId = `head-${Date.now().toString(36)}`;
    const created = await handler(
      httpEvent('POST /api/channels', { body: { channelId, title: 'Head check', currency: 'KRW' }, as: 'seller-head' }),
    );
    expect(created.statusCode).toBe(201);
    const head = await handler(withPath(fixture('head-channel'), `/api/channels/${channelId}`));
    expect(head.statusCode).toBe(200);
    expect(head.body).toBeUndefined();
    // The same request as GET has a body: HEAD answered the GET route, and only the body went.
    const get = await handler({
      ...withPath(fixture('head-channel'), `/api/channels/${channelId}`),
      requestContext: {
        ...fixture('head-channel').requestContext,
        http: { ...fixture('head-channel').requestContext.http, method: 'GET', path: `/api/channels/${channelId}` },
      },
    });
    expect(get.statusCode).toBe(200);
    expect(JSON.parse(get.body ?? '{}')).toMatchObject({ channelId });
    const missing = await handler(withPath(fixture('head-channel'), '/api/channels/no-such-channel'));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toBeUndefined();
  });

  it('HEAD on a path with no GET route is still refused (405 naming the methods), without a body', async () => {
    const answer = await handler(withPath(fixture('head-health'), '/api/channels'));
    expect(answer.statusCode).toBe(405);
    expect(answer.body).toBeUndefined();
    expect(answer.headers?.['allow']).toBe('POST');
  });

  it('CORS echoes a configured origin only; no wildcard, nothing for another origin', async () => {
    const from = (origin: string | undefined) => {
      const event = fixture('head-health');
      return handler({ ...event, headers: { ...event.headers, ...(origin === undefined ? {} : { origin }) } });
    };
    expect((await from(PAGES)).headers).toMatchObject({ 'access-control-allow-origin': PAGES, vary: 'origin' });
    for (const origin of ['https://evil.example.com', undefined]) {
      const answer = await from(origin);
      expect(answer.headers?.['access-control-allow-origin'], String(origin)).toBeUndefined();
    }
  });
});
