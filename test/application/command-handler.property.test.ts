import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandHandler, ConflictError } from '../../src/application/command-handler.js';
import { ConcurrencyError } from '../../src/application/ports/event-store.port.js';
import { InMemoryEventStore } from '../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { acceptedBid, auctionCodec, auctionDecider, type AuctionCommand } from '../../src/domain/auction/index.js';
import { bookingOutcome, tripCodec, tripDecider, type TripCommand } from '../../src/domain/booking/index.js';
import { channelCodec, channelDecider } from '../../src/domain/channel/index.js';
import type { EventSerializer } from '../../src/domain/shared/codec.js';
import { fold, type Decider, type DomainEvent } from '../../src/domain/shared/decider.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import type { AuctionId, BidId, ChannelId, ProductId, RequestId, TripId, UserId } from '../../src/domain/shared/ids.js';
import { viewerSessionCodec, viewerSessionDecider } from '../../src/domain/viewer-session/index.js';
import { auctionRun } from '../domain/auction/auction.arbitraries.js';
import { tripRun } from '../domain/booking/trip.arbitraries.js';
import { channelRun } from '../domain/channel/channel.arbitraries.js';
import { canonical, cutPoints, eventsOf, runCommands, RUNS, type CommandRecipe } from '../domain/decider-harness.js';
import { viewerSessionRun } from '../domain/viewer-session/viewer-session.arbitraries.js';
import { handlerDeps } from './command-handler.fixtures.js';

const STREAM = 'stream-1';

const expectContiguous = async (store: InMemoryEventStore, streamId = STREAM) => {
  const slice = await store.read(streamId);
  expect(slice.events.map((e) => e.version)).toEqual(slice.events.map((_, i) => i + 1));
  expect(slice.version).toBe(slice.events.length);
  return slice;
};

/**
 * Runs commands one after another through three CommandHandlers (three Lambda instances) on
 * one store, each picked at random, so each handler's cache is often behind and must catch up.
 */
const throughHandlers = async <C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  codec: EventSerializer<E>,
  recipes: readonly CommandRecipe<C, S>[],
  picks: readonly number[],
  cuts: readonly number[],
) => {
  const store = new InMemoryEventStore();
  const handlers = [0, 1, 2].map(() => new CommandHandler(decider, codec, handlerDeps(store)));
  const commands: C[] = [];
  for (const [i, recipe] of recipes.entries()) {
    const handler = handlers[(picks[i] ?? 0) % handlers.length]!;
    const command = typeof recipe === 'function' ? (recipe as (s: S) => C)((await handler.load(STREAM)).state) : recipe;
    commands.push(command);
    try {
      await handler.handle(STREAM, command);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  const slice = await expectContiguous(store);
  const stored = slice.events.map((e) => codec.decode(e));
  // The handler decides exactly as the pure decider does, command by command.
  expect(stored).toEqual(eventsOf(runCommands(decider, commands)));
  const replayed = canonical(fold(decider, decider.initialState, stored));
  for (const handler of [...handlers, new CommandHandler(decider, codec, handlerDeps(store))]) {
    const loaded = await handler.load(STREAM);
    expect(loaded.version).toBe(slice.version);
    expect(canonical(loaded.state)).toBe(replayed);
  }
  // Events read in arbitrary slices (as a relay or a late cache sees them) fold to the same state.
  let state = decider.initialState;
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (slice.version + 1)))]
    .sort((a, b) => a - b)
    .concat(slice.version)) {
    const part = await store.read(STREAM, from);
    state = fold(
      decider,
      state,
      part.events.slice(0, cut - from).map((e) => codec.decode(e)),
    );
    from = Math.max(from, cut);
  }
  expect(canonical(state)).toBe(replayed);
};

const picks = fc.array(fc.nat({ max: 2 }), { maxLength: 60 });

describe('CommandHandler over the in-memory store', () => {
  it.each([
    ['auction', auctionDecider, auctionCodec, auctionRun],
    ['channel', channelDecider, channelCodec, channelRun],
    ['trip', tripDecider, tripCodec, tripRun],
    ['viewer session', viewerSessionDecider, viewerSessionCodec, viewerSessionRun],
  ] as const)(
    '%s: versions run 1…n, stored events are the pure decisions, and cache catch-up equals full replay',
    async (_name, decider, codec, run) => {
      await fc.assert(
        fc.asyncProperty(run as fc.Arbitrary<CommandRecipe<unknown, unknown>[]>, picks, cutPoints, (recipes, p, cuts) =>
          throughHandlers(
            decider as Decider<unknown, DomainEvent, unknown>,
            codec as EventSerializer<DomainEvent>,
            recipes,
            p,
            cuts,
          ),
        ),
        RUNS,
      );
    },
  );

  it('of concurrent appends at one expected version exactly one wins; the others get ConcurrencyError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 5 }), fc.integer({ min: 2, max: 12 }), async (existing, writers) => {
        const store = new InMemoryEventStore();
        const event = (id: string) => ({
          eventId: id,
          type: 'SalesClosed',
          schemaVersion: 1,
          occurredAt: 0,
          data: { at: 0 },
        });
        for (let i = 0; i < existing; i++) await store.append(STREAM, i, [event(`seed-${i}`)]);
        const results = await Promise.allSettled(
          Array.from({ length: writers }, (_, w) =>
            store.append(STREAM, existing, [event(`w-${w}`), event(`w-${w}-b`)]),
          ),
        );
        const winners = results.flatMap((r, w) => (r.status === 'fulfilled' ? [w] : []));
        expect(winners).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
        const slice = await expectContiguous(store);
        expect(slice.events.slice(existing).map((e) => e.eventId)).toEqual([`w-${winners[0]}`, `w-${winners[0]}-b`]);
      }),
      RUNS,
    );
  });
});

/** A request id may appear twice: the at-least-once queue delivering one request to two consumers. */
const rush = fc.record({
  capacity: fc.integer({ min: 1, max: 20 }),
  requests: fc.array(fc.record({ n: fc.nat({ max: 14 }), seats: fc.integer({ min: 1, max: 4 }) }), {
    minLength: 2,
    maxLength: 16,
  }),
  maxAttempts: fc.integer({ min: 1, max: 18 }),
  perRequestHandler: fc.boolean(),
  seed: fc.nat(),
});

describe('CommandHandler under concurrent commands, with retries', () => {
  it('a booking rush: every request decided once or refused with ConflictError only after the budget; seats ≤ capacity', async () => {
    await fc.assert(
      fc.asyncProperty(rush, async ({ capacity, requests, maxAttempts, perRequestHandler, seed }) => {
        const store = new InMemoryEventStore();
        const retry = { maxAttempts, baseDelayMs: 5, maxDelayMs: 200 };
        const conflicts = requests.map(() => 0);
        const make = (i: number) => {
          let draws = seed + i;
          const deps = handlerDeps(store, {
            yieldsPerMs: 1,
            random: () => ((draws = (draws * 16807) % 2147483647) % 1000) / 1000,
          });
          return new CommandHandler(tripDecider, tripCodec, { ...deps, retry, onConflict: () => conflicts[i]!++ });
        };
        const shared = make(0);
        await shared.handle(STREAM, {
          type: 'ScheduleTrip',
          tripId: 't1' as TripId,
          route: 'Seoul → Busan',
          departsAt: 1e12,
          capacity,
          maxSeatsPerBooking: 4,
        });
        const command = ({ n, seats }: { n: number; seats: number }): TripCommand => ({
          type: 'RequestBooking',
          requestId: `r${n}` as RequestId,
          passengerId: `p${n}` as UserId,
          seats,
          at: 5_000,
        });
        const results = await Promise.allSettled(
          requests.map((r, i) => (perRequestHandler ? make(i) : shared).handle(STREAM, command(r))),
        );

        for (const [i, r] of results.entries()) {
          if (r.status === 'fulfilled') continue;
          expect(r.reason).toBeInstanceOf(ConflictError);
          expect((r.reason as ConflictError).attempts).toBe(maxAttempts);
          if (perRequestHandler) expect(conflicts[i]).toBe(maxAttempts);
        }
        // A lost race means another command appended; with N commands no one loses N times.
        if (maxAttempts >= requests.length) expect(results.every((r) => r.status === 'fulfilled')).toBe(true);

        const slice = await expectContiguous(store);
        const events = slice.events.map((e) => tripCodec.decode(e));
        const state = fold(tripDecider, tripDecider.initialState, events);
        const decidedIds = events.flatMap((e) =>
          e.type === 'BookingConfirmed' || e.type === 'BookingRejected' ? [e.data.requestId] : [],
        );
        expect(new Set(decidedIds).size).toBe(decidedIds.length);
        const succeeded = new Set(
          requests.filter((_, i) => results[i]!.status === 'fulfilled').map(({ n }) => `r${n}`),
        );
        for (const id of succeeded) expect(bookingOutcome(state, id)).not.toBeNull();
        expect(new Set(decidedIds)).toEqual(succeeded);
        if (state.status === 'NONE') throw new Error('trip vanished');
        const confirmedSeats = events.flatMap((e) => (e.type === 'BookingConfirmed' ? e.data.seatNumbers : []));
        expect(confirmedSeats.length).toBeLessThanOrEqual(capacity);
        expect(new Set(confirmedSeats).size).toBe(confirmedSeats.length);
        expect(state.freeSeats).toBe(capacity - confirmedSeats.length);
      }),
      RUNS,
    );
  });

  it('a bidding war: accepted bids rise by the increment in stream order and the highest wins', async () => {
    const bids = fc.array(fc.record({ bid: fc.nat({ max: 12 }), amount: fc.integer({ min: 90, max: 400 }) }), {
      minLength: 2,
      maxLength: 16,
    });
    await fc.assert(
      fc.asyncProperty(bids, fc.integer({ min: 1, max: 18 }), fc.nat(), async (war, maxAttempts, seed) => {
        const store = new InMemoryEventStore();
        const retry = { maxAttempts, baseDelayMs: 5, maxDelayMs: 200 };
        const make = (i: number) => {
          let draws = seed + i + 1;
          return new CommandHandler(auctionDecider, auctionCodec, {
            ...handlerDeps(store, {
              yieldsPerMs: 1,
              random: () => ((draws = (draws * 48271) % 2147483647) % 1000) / 1000,
            }),
            retry,
          });
        };
        await make(0).handle(STREAM, {
          type: 'OpenAuction',
          auctionId: 'a1' as AuctionId,
          channelId: 'c1' as ChannelId,
          sellerId: 'seller' as UserId,
          productId: 'p1' as ProductId,
          startingPrice: 100,
          minIncrement: 10,
          currency: 'KRW',
          endsAt: 1e12,
          at: 0,
        });
        // The same bid id always carries the same amount and bidder, as a retried request would.
        const command = ({ bid }: { bid: number }, amount: number): AuctionCommand => ({
          type: 'PlaceBid',
          bidId: `b${bid}` as BidId,
          bidderId: `u${bid}` as UserId,
          amount,
          at: 1_000,
        });
        const amountOf = new Map(war.map(({ bid, amount }) => [bid, amount]));
        const results = await Promise.allSettled(
          war.map((b, i) => make(i + 1).handle(STREAM, command(b, amountOf.get(b.bid)!))),
        );
        for (const r of results) {
          if (r.status === 'fulfilled') continue;
          if (r.reason instanceof ConflictError) expect(r.reason.attempts).toBe(maxAttempts);
          else expect(r.reason).toMatchObject({ name: 'DomainError', code: 'BID_TOO_LOW' });
        }
        if (maxAttempts >= war.length)
          expect(results.some((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toBe(false);

        const slice = await expectContiguous(store);
        const events = slice.events.map((e) => auctionCodec.decode(e));
        const placed = events.flatMap((e) => (e.type === 'BidPlaced' ? [e.data] : []));
        placed.forEach((b, i) => expect(b.amount).toBeGreaterThanOrEqual(i === 0 ? 100 : placed[i - 1]!.amount + 10));
        expect(new Set(placed.map((b) => b.bidId)).size).toBe(placed.length);
        const state = fold(auctionDecider, auctionDecider.initialState, events);
        if (state.status !== 'OPEN') throw new Error('auction should be open');
        expect(state.highest?.amount ?? null).toBe(placed.length ? Math.max(...placed.map((b) => b.amount)) : null);
        for (const [i, r] of results.entries())
          if (r.status === 'fulfilled')
            expect(acceptedBid(state, `u${war[i]!.bid}` as UserId, `b${war[i]!.bid}` as BidId)).toBeDefined();
      }),
      RUNS,
    );
  });
});
