import { ContainerModule } from 'inversify';
import { InMemoryBookingRequestIndex } from '../../src/adapters/in-memory/booking-request-index-adapter-in-memory.js';
import type { BookingRequestRecord } from '../../src/application/ports/booking-request-index.port.js';
import { BOOKING_TOKENS } from '../../src/entrypoints/composition/booking.module.js';
import { LOCAL_TOKENS } from '../../src/entrypoints/local/local.container.js';
import { AUCTION_TOKENS } from '../../src/entrypoints/composition/auction.module.js';
import { PRESENCE_TOKENS } from '../../src/entrypoints/composition/presence.module.js';
import { ABUSE_TOKENS } from '../../src/entrypoints/composition/abuse.module.js';
import { LOCAL_AUCTION_TOKENS } from '../../src/entrypoints/local/auction.feature.js';
import { LOCAL_BOOKING_TOKENS } from '../../src/entrypoints/local/booking.feature.js';
import { LOCAL_PRESENCE_TOKENS } from '../../src/entrypoints/local/presence.feature.js';
import { LOCAL_RECOMMEND_TOKENS } from '../../src/entrypoints/local/recommend.feature.js';
import { forgedTokens, type ForgedTokens } from '../support/forged-tokens.js';
import { inMemorySystem } from '../support/in-memory-system.js';

/** Counts new registrations: the request index is state a rejected booking must not touch. */
class CountingRequestIndex extends InMemoryBookingRequestIndex {
  registered = 0;
  override async register(record: BookingRequestRecord): Promise<BookingRequestRecord> {
    if (!(await this.get(record.requestId))) this.registered++;
    return super.register(record);
  }
}

export const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'] as const;
export const SELLERS = ['s0', 's1', 's2'] as const;
export const CHANNELS = ['c0', 'c1', 'c2'] as const;
export const PRODUCTS = ['p0', 'p1'] as const;
export const AUCTIONS = ['a0', 'a1', 'a2'] as const;
export const TRIPS = ['t0', 'holiday-express'] as const;

/** Inputs run per target, for the summary line (≥ 10,000 across all targets). */
export const counts = new Map<string, number>();
export const count = (target: string, n = 1): void => {
  counts.set(target, (counts.get(target) ?? 0) + n);
};
/** How the inputs of each target ended (accepted / refused by code), to show the fuzz reaches past the first check. */
export const outcomes = new Map<string, Map<string, number>>();
export const outcome = (target: string, what: string): void => {
  const of = outcomes.get(target) ?? new Map<string, number>();
  of.set(what, (of.get(what) ?? 0) + 1);
  outcomes.set(target, of);
};
/** `2xx 40, 401 12, INVALID_REQUEST 190…` for the summary. */
export const outcomeLine = (target: string): string =>
  [...(outcomes.get(target) ?? new Map<string, number>()).entries()]
    .sort(([, a], [, b]) => b - a)
    .slice(0, 6)
    .map(([what, n]) => `${what} ${n}`)
    .join(', ');

/**
 * The whole system over in-memory twins, seeded with sellers' live channels (products,
 * open auctions), trips and bookings, and limits high enough that fuzzed inputs reach the
 * code behind the rate limits (the limits have their own tests). `fingerprint()` covers every
 * store a request or frame could change.
 */
export const fuzzWorld = async () => {
  const index = new CountingRequestIndex();
  const s = await inMemorySystem(
    {
      chatBurst: 1_000,
      chatUserBurst: 1_000,
      likeBurst: 10_000,
      likeUserBurst: 10_000,
      bidBurst: 1_000,
      heartbeatBurst: 1_000,
      maxConnectionsPerUser: 1_000,
    },
    {
      modules: [
        new ContainerModule(({ rebind }) => {
          rebind(BOOKING_TOKENS.RequestIndex).toConstantValue(index);
        }),
      ],
    },
  );
  const store = s.container.get(LOCAL_TOKENS.InMemoryEventStore);
  let appended = 0;
  store.subscribe((events) => (appended += events.length));
  const queues = {
    booking: s.container.get(LOCAL_BOOKING_TOKENS.BookingQueue),
    bookingParked: s.container.get(LOCAL_BOOKING_TOKENS.ParkingQueue),
    heartbeat: s.container.get(LOCAL_PRESENCE_TOKENS.HeartbeatQueue),
    scheduler: s.container.get(LOCAL_AUCTION_TOKENS.SchedulerQueue),
    broadcast: s.container.get(LOCAL_TOKENS.BroadcastQueue),
  };
  const feed = s.container.get(LOCAL_TOKENS.FeedStream);
  const requests = s.container.get(LOCAL_RECOMMEND_TOKENS.RequestStream);
  const registry = s.container.get(LOCAL_TOKENS.ConnectionRegistry);
  const presence = s.container.get(PRESENCE_TOKENS.PresenceStore);
  const quota = s.container.get(ABUSE_TOKENS.ConnectionQuota) as unknown as { openFor(userId: string): number };

  /**
   * Everything a rejected input must leave as it was. `except` leaves out what a refusal is
   * allowed to touch (a WebSocket refusal posts its error frame).
   */
  const fingerprint = async (except: readonly string[] = []): Promise<string> => {
    const presenceCounts = await Promise.all(CHANNELS.map((c) => presence.count(c, s.clock.now())));
    const all: Record<string, unknown> = {
      appended,
      queues: Object.fromEntries(Object.entries(queues).map(([k, q]) => [k, q.counts().total])),
      feed: feed.puts,
      requests: Array.from({ length: requests.shardCount }, (_, i) => requests.length(i)),
      index: index.registered,
      registry: registry.stats(),
      presence: presenceCounts,
      quota: USERS.map((u) => quota.openFor(u)),
      posts: s.gateway.postCount,
    };
    for (const key of except) delete all[key];
    return JSON.stringify(all);
  };

  // Seed: live channels with products and open auctions, trips, a confirmed booking.
  const ok = async (routeKey: string, options: Parameters<typeof s.http>[1]) => {
    const res = await s.http(routeKey, options);
    if (res.status >= 300) throw new Error(`seeding ${routeKey} failed: ${res.status} ${JSON.stringify(res.body)}`);
  };
  for (const [i, channelId] of CHANNELS.entries()) {
    const as = SELLERS[i] as string;
    await ok('POST /api/channels', { body: { channelId, title: `Channel ${i}`, currency: 'KRW' }, as });
    if (i < 2) await ok(`POST /api/channels/${channelId}/start`, { as });
    for (const productId of PRODUCTS)
      await ok(`POST /api/channels/${channelId}/products`, {
        body: { productId, name: productId, price: 10_000, currency: 'KRW' },
        as,
      });
    await ok(`POST /api/channels/${channelId}/auctions`, {
      body: {
        auctionId: AUCTIONS[i],
        productId: 'p0',
        startingPrice: 1_000,
        minIncrement: 100,
        durationSeconds: 3_600,
      },
      as,
    });
  }
  for (const tripId of TRIPS) {
    await ok('POST /api/trips', {
      body: {
        tripId,
        route: `Route ${tripId}`,
        departsAt: s.clock.now() + 86_400_000,
        capacity: 40,
        maxSeatsPerBooking: 4,
      },
      as: 'operator',
    });
  }
  await ok('POST /api/trips/t0/bookings', { body: { seats: 2, requestId: 'r0' }, as: 'u0' });

  const forged: ForgedTokens = await forgedTokens(s.issuer, s.clock.now(), 'u1');
  const valid = Object.fromEntries(
    await Promise.all([...USERS, ...SELLERS, 'operator'].map(async (u) => [u, await s.tokenFor(u)] as const)),
  );

  return {
    ...s,
    fingerprint,
    queues,
    forged,
    valid,
    handlers: {
      booking: s.container.get(BOOKING_TOKENS.Handler),
      presence: s.container.get(PRESENCE_TOKENS.Handler),
      auctionClose: s.container.get(AUCTION_TOKENS.Handler),
    },
  };
};
export type FuzzWorld = Awaited<ReturnType<typeof fuzzWorld>>;
