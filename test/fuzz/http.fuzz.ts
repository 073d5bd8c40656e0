import fc from 'fast-check';
import { expect } from 'vitest';
import { httpEvent } from '../entrypoints/http-test-events.js';
import { anyString, mutate, pathParam, type Mutated } from './garbage.arbitraries.js';
import { AUCTIONS, CHANNELS, count, outcome, PRODUCTS, SELLERS, TRIPS, USERS, type FuzzWorld } from './fuzz-world.js';

interface RouteSpec {
  readonly key: string;
  readonly params?: Readonly<Record<string, readonly string[]>>;
  readonly body?: Record<string, unknown>;
  readonly query?: Readonly<Record<string, readonly string[]>>;
}

/** Every HTTP route, with a valid template to mutate and the ids it may name. */
export const ROUTE_SPECS: readonly RouteSpec[] = [
  { key: 'GET /api/health' },
  { key: 'GET /api/stats' },
  { key: 'POST /api/channels', body: { channelId: 'c-new', title: 'New channel', currency: 'KRW' } },
  { key: 'GET /api/channels/{channelId}', params: { channelId: CHANNELS } },
  { key: 'POST /api/channels/{channelId}/start', params: { channelId: CHANNELS } },
  {
    key: 'POST /api/channels/{channelId}/products',
    params: { channelId: CHANNELS },
    body: { productId: 'p-new', name: 'Lamp', category: 'home', price: 5_000, currency: 'KRW' },
  },
  {
    key: 'PUT /api/channels/{channelId}/products/{productId}/price',
    params: { channelId: CHANNELS, productId: PRODUCTS },
    body: { price: 9_000, currency: 'KRW' },
  },
  {
    key: 'POST /api/channels/{channelId}/auctions',
    params: { channelId: CHANNELS },
    body: { auctionId: 'a-new', productId: 'p1', startingPrice: 1_000, minIncrement: 100, durationSeconds: 600 },
  },
  {
    key: 'POST /api/auctions/{auctionId}/bids',
    params: { auctionId: AUCTIONS },
    body: { bidId: 'b-1', amount: 5_000, bidderId: 'u5' },
  },
  { key: 'GET /api/auctions/{auctionId}', params: { auctionId: AUCTIONS } },
  { key: 'POST /api/channels/{channelId}/chat', params: { channelId: CHANNELS }, body: { text: 'hello' } },
  { key: 'POST /api/channels/{channelId}/likes', params: { channelId: CHANNELS }, body: { count: 2 } },
  {
    key: 'POST /api/channels/{channelId}/heartbeats',
    params: { channelId: CHANNELS },
    body: { sessionId: 'sess-1', sequence: 1 },
  },
  {
    key: 'GET /api/streams/{streamId}/events',
    params: { streamId: ['channel-c0', 'auction-a0', 'trip-t0'] },
    query: { after: ['0', '2', '-1', 'x'], limit: ['1', '100', '0', '1e9'] },
  },
  {
    key: 'POST /api/trips',
    body: {
      tripId: 't-new',
      route: 'Seoul → Busan',
      departsAt: 1_900_000_000_000,
      capacity: 30,
      maxSeatsPerBooking: 4,
    },
  },
  { key: 'GET /api/trips/{tripId}', params: { tripId: TRIPS } },
  {
    key: 'POST /api/trips/{tripId}/bookings',
    params: { tripId: TRIPS },
    body: { seats: 1, requestId: 'r-new', passengerId: 'u5' },
  },
  { key: 'POST /api/book-bus', body: { seats: 1 } },
  { key: 'GET /api/bookings/{requestId}', params: { requestId: ['r0', 'r-new'] } },
  {
    key: 'DELETE /api/bookings/{requestId}',
    params: { requestId: ['r0', 'r-new'] },
    query: { passengerId: ['u0', 'u1'] },
  },
  {
    key: 'GET /recommend/cached/{userId}',
    params: { userId: USERS },
    query: { top_n: ['1', '10', '50', '0', '51', 'ten'] },
  },
  { key: 'GET /internal/recommend/{userId}', params: { userId: USERS }, query: { top_n: ['3', '-1'] } },
  { key: 'POST /recommend/requests', body: { topN: 5, userId: 'u5' } },
  // Last: ending channels would turn the seller routes above into CHANNEL_ENDED refusals.
  { key: 'POST /api/channels/{channelId}/end', params: { channelId: CHANNELS } },
];

type Auth =
  | { readonly kind: 'owner' }
  | { readonly kind: 'user'; readonly as: string }
  | { readonly kind: 'forged'; readonly which: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'header'; readonly value: string };

const authArb: fc.Arbitrary<Auth> = fc.oneof(
  // The owner of what the path names (its channel's seller, the booking's passenger): reaches the code past authorization.
  { weight: 4, arbitrary: fc.constant<Auth>({ kind: 'owner' }) },
  { weight: 6, arbitrary: fc.constantFrom(...USERS, ...SELLERS, 'operator').map((as): Auth => ({ kind: 'user', as })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        'expired',
        'notYetValid',
        'tampered',
        'algNone',
        'algNoneSigned',
        'wrongSignature',
        'hmacConfusion',
        'wrongIssuer',
        'wrongAudience',
        'badSubject',
        'garbage',
      )
      .map((which): Auth => ({ kind: 'forged', which })),
  },
  { weight: 1, arbitrary: fc.constant<Auth>({ kind: 'none' }) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.constantFrom('Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'bearer  ', 'Token x'), anyString)
      .map((value): Auth => ({ kind: 'header', value })),
  },
);

const requestArb = (spec: RouteSpec) =>
  fc.record({
    params: fc.record(
      Object.fromEntries(Object.entries(spec.params ?? {}).map(([name, known]) => [name, pathParam(known)])) as Record<
        string,
        fc.Arbitrary<string>
      >,
    ),
    body: mutate(spec.body),
    query: fc.option(
      fc.dictionary(
        fc.oneof(fc.constantFrom(...Object.keys(spec.query ?? { q: [] })), anyString),
        fc.oneof(fc.constantFrom(...Object.values(spec.query ?? { q: ['1'] }).flat()), anyString),
        { maxKeys: 3 },
      ),
      { nil: undefined },
    ),
    auth: authArb,
  });

/** Who owns what a request names: the seeded channel cN belongs to sN, auction aN to sN, booking r0 to u0. */
const ownerOf = (params: Readonly<Record<string, string>>): string => {
  const channel = params['channelId'] ?? params['auctionId']?.replace(/^a/, 'c');
  const index = CHANNELS.indexOf((channel ?? '') as (typeof CHANNELS)[number]);
  if (index >= 0 && params['auctionId'] === undefined) return SELLERS[index] as string;
  return 'u0';
};

const authorizationOf = (
  world: FuzzWorld,
  auth: Auth,
  params: Readonly<Record<string, string>>,
): string | undefined => {
  switch (auth.kind) {
    case 'owner':
      return `Bearer ${world.valid[ownerOf(params)]}`;
    case 'user':
      return `Bearer ${world.valid[auth.as]}`;
    case 'forged':
      return `Bearer ${(world.forged as unknown as Record<string, string>)[auth.which]}`;
    case 'header':
      return auth.value;
    case 'none':
      return undefined;
  }
};

/** Percent-encodes like a client would; a lone surrogate (which encodeURIComponent refuses) goes out as invalid UTF-8 bytes. */
const encodePath = (segment: string): string => {
  try {
    return encodeURIComponent(segment);
  } catch {
    return [...segment].map((ch) => (/[\uD800-\uDFFF]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
};

const bodyText = (body: Mutated): string | undefined =>
  body.kind === 'none' ? undefined : body.kind === 'raw' ? body.text : JSON.stringify(body.value);

/**
 * Throws garbage at one HTTP route, through the JWT authorizer and the router, checking: no
 * throw, no 5xx, every refusal names its code (and its field when it is a 400), and a refused
 * request changed nothing.
 */
export const fuzzRoute = async (world: FuzzWorld, spec: RouteSpec, numRuns: number): Promise<void> => {
  const [method = 'GET', template = '/'] = spec.key.split(' ');
  await fc.assert(
    fc.asyncProperty(requestArb(spec), async (input) => {
      count(`http ${spec.key}`);
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodePath(input.params[name] ?? ''));
      const text = bodyText(input.body);
      const base = httpEvent(`${method} ${path}`, {
        ...(text === undefined ? {} : { rawBody: text }),
        ...(input.query ? { query: input.query } : {}),
      });
      const authorization = authorizationOf(world, input.auth, input.params);
      const event = {
        ...base,
        routeKey: '$default',
        headers: { ...base.headers, ...(authorization === undefined ? {} : { authorization }) },
        requestContext: { ...base.requestContext, routeKey: '$default' },
      };
      const before = await world.fingerprint();
      const result = await world.httpRaw(event);
      const status = result.statusCode ?? 200;
      expect(status, `${spec.key} answered ${status}: ${result.body}`).toBeLessThan(500);
      if (status < 400) outcome(`http ${spec.key}`, `${status}`);
      if (status >= 400) {
        const answer = JSON.parse(result.body ?? 'null') as { error?: { code?: unknown; field?: unknown } } | null;
        outcome(`http ${spec.key}`, `${status} ${String(answer?.error?.code)}`);
        expect(typeof answer?.error?.code, `${spec.key} ${status} names no code: ${result.body}`).toBe('string');
        if (status === 400)
          expect(typeof answer?.error?.field, `${spec.key} 400 names no field: ${result.body}`).toBe('string');
        expect(await world.fingerprint(), `${spec.key} refused with ${status} but changed state`).toBe(before);
      }
    }),
    { numRuns },
  );
};
