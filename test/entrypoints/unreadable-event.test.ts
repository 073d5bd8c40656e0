import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuctionCloseMessage } from '../../src/application/auction/auction-close-message.js';
import { auctionStreamId } from '../../src/domain/auction/index.js';
import { AUCTION_TOKENS } from '../../src/entrypoints/composition/auction.module.js';
import { TOKENS } from '../../src/entrypoints/composition/tokens.js';
import { inMemorySystem } from '../support/in-memory-system.js';
import { LOCAL_AUCTION_TOKENS } from '../../src/entrypoints/local/auction.feature.js';
import { toSqsEvent } from './sqs-test-driver.js';

const SELLER = 'mina';
const STREAM = auctionStreamId('a1');

/**
 * A live auction whose stored history then gains an event this code cannot read: a BidPlaced
 * whose `amount` is a string, as if an older deploy had written amounts as text and the schema
 * had changed without an upcaster. Written straight into the store, at version 2.
 */
const auctionWithUnreadableBid = async () => {
  const s = await inMemorySystem();
  expect(
    (
      await s.http('POST /api/channels', {
        body: { channelId: 'c1', title: 'Night market', currency: 'KRW' },
        as: SELLER,
      })
    ).status,
  ).toBe(201);
  expect((await s.http('POST /api/channels/c1/start', { as: SELLER })).status).toBe(200);
  expect(
    (
      await s.http('POST /api/channels/c1/products', {
        body: { productId: 'lamp', name: 'Lamp', price: 50_000, currency: 'KRW' },
        as: SELLER,
      })
    ).status,
  ).toBe(201);
  const opened = await s.http('POST /api/channels/c1/auctions', {
    body: { auctionId: 'a1', productId: 'lamp', startingPrice: 10_000, minIncrement: 1_000, durationSeconds: 600 },
    as: SELLER,
  });
  expect(opened.status).toBe(201);
  const store = s.container.get(TOKENS.EventStore);
  expect((await store.read(STREAM)).version).toBe(1);
  await store.append(STREAM, 1, [
    {
      eventId: 'corrupt-1',
      type: 'BidPlaced',
      schemaVersion: 1,
      occurredAt: s.clock.now(),
      channelId: 'c1',
      data: { bidId: 'b0', bidderId: 'old', amount: '12000 KRW', placedAt: s.clock.now() },
    },
  ]);
  const logger = s.container.get(TOKENS.Logger);
  const logged = { error: vi.spyOn(logger, 'error'), warn: vi.spyOn(logger, 'warn') };
  return { s, logged };
};

/** Every log call's arguments, as one string: what an operator would search. */
const logText = (spy: { mock: { calls: unknown[][] } }): string =>
  JSON.stringify(spy.mock.calls, (_key, value: unknown) =>
    value instanceof Error ? { ...value, name: value.name, message: value.message } : value,
  );

const expectLoggedWithStreamAndVersion = (spy: { mock: { calls: unknown[][] } }) => {
  const text = logText(spy);
  expect(text).toContain('UnreadableEventError');
  expect(text).toContain(`"streamId":"${STREAM}"`);
  expect(text).toContain('"version":2');
  expect(text).toContain('amount');
};

const expectNoStoreDetails = (answer: unknown) => {
  const text = JSON.stringify(answer);
  for (const secret of [STREAM, 'BidPlaced', 'schema', 'amount', 'INVALID_EVENT', '12000 KRW'])
    expect(text).not.toContain(secret);
};

describe('a stored event that no longer matches its schema is a fault, answered as internal everywhere', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('over HTTP: 500 INTERNAL with no schema detail, logged with the stream id and version', async () => {
    const { s, logged } = await auctionWithUnreadableBid();
    for (const [routeKey, options] of [
      ['GET /api/auctions/a1', {}],
      ['POST /api/auctions/a1/bids', { body: { bidId: 'b1', amount: 20_000 }, as: 'alice' }],
    ] as const) {
      const answer = await s.http(routeKey, options);
      expect(answer.status, routeKey).toBe(500);
      expect(answer.body).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } });
      expectNoStoreDetails(answer.body);
    }
    expectLoggedWithStreamAndVersion(logged.error);
    // Nothing was appended on top of the unreadable event.
    expect((await s.container.get(TOKENS.EventStore).read(STREAM)).version).toBe(2);
  });

  it('over a WebSocket bid: an INTERNAL error frame with no schema detail, logged with the stream id and version', async () => {
    const { s, logged } = await auctionWithUnreadableBid();
    const alice = await s.connectAs('alice');
    await alice.send({ action: 'bid', auctionId: 'a1', amount: 20_000, bidId: 'b1', requestId: 'q1' });
    const frames = alice.frames();
    const error = frames.find((f) => f['type'] === 'error');
    expect(error).toMatchObject({ type: 'error', code: 'INTERNAL', requestId: 'q1' });
    expect(frames.some((f) => f['type'] === 'bid-accepted')).toBe(false);
    expectNoStoreDetails(frames);
    expectLoggedWithStreamAndVersion(logged.error);
    expect((await s.container.get(TOKENS.EventStore).read(STREAM)).version).toBe(2);
  });

  it('in a queue consumer (auction close): the record is reported failed (redelivered, then the DLQ), logged with the stream id and version', async () => {
    const { s, logged } = await auctionWithUnreadableBid();
    // The close message as the scheduler sends it once the end is due (the one opening queued
    // waits 10 minutes of wall-clock delay; this one is the same message without the delay).
    s.clock.advance(601_000);
    const queue = s.container.get(LOCAL_AUCTION_TOKENS.SchedulerQueue);
    await queue.send([
      { body: AuctionCloseMessage.parse({ auctionId: 'a1', channelId: 'c1', endsAt: s.clock.now() - 1_000, hop: 1 }) },
    ]);
    const deliveries = queue.receive(10);
    expect(deliveries).toHaveLength(1);
    const event = toSqsEvent(deliveries, queue.arn);
    const response = await s.container.get(AUCTION_TOKENS.Handler)(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.messageId }]);
    expectLoggedWithStreamAndVersion({ mock: { calls: [...logged.error.mock.calls, ...logged.warn.mock.calls] } });
    expect((await s.container.get(TOKENS.EventStore).read(STREAM)).version).toBe(2);
  });
});
