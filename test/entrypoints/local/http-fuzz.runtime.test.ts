import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../../../src/entrypoints/composition/tokens.js';
import type { LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { rawAnswer } from '../../support/raw-http.js';
import { api, openAuction, scheduleTrip, startQuietRuntime } from '../local-runtime-client.js';

/**
 * A valid body per route that takes one: the generator sends it as is, with one field changed
 * to a hostile value, or with one left out, so that requests reach past "missing field" into
 * each rule and each store write.
 */
const VALID_BODIES: Readonly<Record<string, Record<string, unknown>>> = {
  'POST /api/auctions/{auctionId}/bids': { bidId: 'b-1', amount: 1_100 },
  'POST /api/book-bus': { seats: 1 },
  'POST /api/channels': { channelId: 'fz-new', title: 'A show', currency: 'KRW' },
  'POST /api/channels/{channelId}/auctions': {
    auctionId: 'fz-a2',
    productId: 'fz-product',
    startingPrice: 1_000,
    minIncrement: 100,
    durationSeconds: 60,
  },
  'POST /api/channels/{channelId}/chat': { text: 'hello' },
  'POST /api/channels/{channelId}/heartbeats': { sessionId: 's-1', sequence: 1 },
  'POST /api/channels/{channelId}/likes': { count: 3 },
  'POST /api/channels/{channelId}/products': { productId: 'p-2', name: 'Lamp', price: 100, currency: 'KRW' },
  'POST /api/dev/tokens': { userId: 'u-1', ttlSeconds: 60 },
  'POST /api/trips': {
    tripId: 't-2',
    route: 'A → B',
    departsAt: 4_102_444_800_000,
    capacity: 3,
    maxSeatsPerBooking: 2,
  },
  'POST /api/trips/{tripId}/bookings': { seats: 1, requestId: 'r-2' },
  'PUT /api/channels/{channelId}/products/{productId}/price': { price: 200, currency: 'KRW' },
};

const hostileText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '.', '..', '%', '%2e', '\u0000', 'é', '🙂', ' x ', 'a'.repeat(300), '__proto__', 'constructor'),
);
const value = fc.oneof(
  hostileText,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
  fc.dictionary(hostileText, fc.integer(), { maxKeys: 2 }),
);
/** A body for `route`: a valid one bent in one place, or any JSON, or not JSON at all. */
const bodyFor = (route: string): fc.Arbitrary<string> => {
  const valid = VALID_BODIES[route] ?? {};
  const keys = Object.keys(valid);
  const bent =
    keys.length === 0
      ? fc.constant(valid)
      : fc.record({ key: fc.constantFrom(...keys), change: fc.option(value, { freq: 3 }) }).map(({ key, change }) => {
          const copy: Record<string, unknown> = { ...valid };
          if (change === null) delete copy[key];
          else copy[key] = change;
          return copy;
        });
  return fc.oneof(
    { arbitrary: fc.constant(JSON.stringify(valid)), weight: 2 },
    { arbitrary: bent.map((b) => JSON.stringify(b)), weight: 5 },
    { arbitrary: fc.json(), weight: 1 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  );
};

describe('the local HTTP API under hostile requests, over raw TCP', () => {
  let runtime: LocalRuntime;
  let token: string;
  let ids: Record<string, string[]>;
  beforeAll(async () => {
    runtime = await startQuietRuntime();
    token = (await runtime.devTokens.issue('fuzz-seller')).token;
    const auction = await openAuction(runtime, 'fz', { as: 'fuzz-seller' });
    await scheduleTrip(runtime, 'fz-trip', { as: 'fuzz-operator', capacity: 5, maxSeatsPerBooking: 2 });
    const booking = await api(
      runtime,
      'POST',
      '/api/trips/fz-trip/bookings',
      { seats: 1, requestId: 'fz-r1' },
      { as: 'fuzz-seller' },
    );
    expect(booking.status).toBe(202);
    ids = {
      channelId: [auction.channelId],
      productId: [auction.productId],
      auctionId: [auction.auctionId],
      tripId: ['fz-trip'],
      requestId: ['fz-r1'],
      streamId: [`channel-${auction.channelId}`, `auction-${auction.auctionId}`],
    };
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('answers every request with a status that names the caller or the input (never 500), and keeps serving', async () => {
    // Every route the router has (the dev-identity routes of the runtime included), so a new route is fuzzed too.
    const routes = runtime.container.get(TOKENS.HttpRouter).keys();
    expect(routes).toContain('POST /api/trips/{tripId}/bookings');
    const request = fc.constantFrom(...routes).chain((route) =>
      fc.record({
        route: fc.constant(route),
        body: bodyFor(route),
        param: fc.option(
          fc.oneof(hostileText.map(encodeURIComponent), fc.constantFrom('%', '..', '%2F', '%00', 'fz-new', 't-2')),
          { freq: 2 },
        ),
        query: fc.constantFrom('', '', '?after=0', '?after=-1&limit=99999', '?limit=%', '?after=1&after=2'),
        auth: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'valid', 'none', 'garbage', 'malformed'),
        contentType: fc.constantFrom(
          'application/json',
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          null,
        ),
        method: fc.oneof(
          { arbitrary: fc.constant(null), weight: 6 },
          { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'), weight: 1 },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const [routeMethod, template] = r.route.split(' ') as [string, string];
        const method = r.method ?? routeMethod;
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) => r.param ?? ids[name]?.[0] ?? 'x');
        const bytes = Buffer.from(r.body, 'utf8');
        const authorization = {
          valid: `authorization: Bearer ${token}\r\n`,
          none: '',
          garbage: 'authorization: Bearer e30.e30.e30\r\n',
          malformed: 'authorization: Basic Zm9vOmJhcg==\r\n',
        }[r.auth];
        const answer = await rawAnswer(
          runtime.port,
          Buffer.concat([
            Buffer.from(
              `${method} ${path}${r.query} HTTP/1.1\r\nhost: 127.0.0.1\r\n${authorization}` +
                `${r.contentType ? `content-type: ${r.contentType}\r\n` : ''}content-length: ${bytes.length}\r\n\r\n`,
            ),
            bytes,
          ]),
        );
        expect(answer.status, `${method} ${path}${r.query} ${r.body} → ${answer.body}`).toBeGreaterThanOrEqual(200);
        expect(answer.status, `${method} ${path}${r.query} ${r.body} → ${answer.body}`).toBeLessThan(500);
      }),
      { numRuns: 1_000 },
    );
    expect((await api(runtime, 'GET', '/api/health')).status).toBe(200);
  }, 120_000);

  it('serves pages, stats.json and /beat on hostile paths without leaving the pages folder or answering 500', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '%2E%2e',
        '..%2f',
        '%2f',
        '%5c..',
        'etc',
        'passwd',
        'live',
        'index.html',
        '',
      ),
      fc.string({ maxLength: 6 }).map(encodeURIComponent),
    );
    const target = fc.oneof(
      fc.constantFrom('/', '/live', '/live/', '/config.js', '/stats.json', '/beat?c=x&s=1', '/favicon.ico'),
      fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
    );
    await fc.assert(
      fc.asyncProperty(
        target,
        fc.constantFrom('GET', 'HEAD', 'POST'),
        fc.constantFrom('text/html', '*/*', 'application/json'),
        async (path, method, accept) => {
          const answer = await rawAnswer(
            runtime.port,
            `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: ${accept}\r\ncontent-length: 0\r\n\r\n`,
          );
          expect(answer.status, `${method} ${path} → ${answer.body.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
          expect(answer.status, `${method} ${path} → ${answer.body.slice(0, 200)}`).toBeLessThan(500);
          expect(answer.body).not.toMatch(/root:.*:0:0:/);
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);
});
