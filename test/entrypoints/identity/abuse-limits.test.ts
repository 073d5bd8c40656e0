import { describe, expect, it } from 'vitest';
import { auctionStreamId } from '../../../src/domain/auction/index.js';
import { LOCAL_TOKENS } from '../../../src/entrypoints/local/local.container.js';
import { MAX_HTTP_BODY_BYTES } from '../../../src/entrypoints/http/api-route.js';
import { MAX_FRAME_BYTES } from '../../../src/entrypoints/handlers/ws-message.js';
import { LOCAL_PRESENCE_TOKENS } from '../../../src/entrypoints/local/presence.feature.js';
import { inMemorySystem, type InMemorySystem } from '../../support/in-memory-system.js';

const chatTexts = (s: InMemorySystem): string[] => {
  const feed = s.container.get(LOCAL_TOKENS.FeedStream);
  return Array.from({ length: feed.shardCount }, (_, shard) =>
    feed.read(shard, 0, 1_000).map((r) => JSON.parse(r.data) as { signal?: string; text?: string }),
  )
    .flat()
    .filter((i) => i.signal === 'CHAT')
    .map((i) => i.text ?? '');
};

const liveAuction = async (s: InMemorySystem) => {
  await s.http('POST /api/channels', { body: { channelId: 'c1', title: 'T', currency: 'KRW' }, as: 'mina' });
  await s.http('POST /api/channels/c1/start', { as: 'mina' });
  await s.http('POST /api/channels/c1/products', {
    body: { productId: 'lamp', name: 'Lamp', price: 5_000, currency: 'KRW' },
    as: 'mina',
  });
  await s.http('POST /api/channels/c1/auctions', {
    body: { auctionId: 'a1', productId: 'lamp', startingPrice: 100, minIncrement: 1, durationSeconds: 600 },
    as: 'mina',
  });
};

describe('abuse limits (fake clock)', () => {
  it('refuses the N+1th chat message in a window with a clear error; the connection stays usable and other users are unaffected', async () => {
    const s = await inMemorySystem({ chatBurst: 5, chatPerSecond: 1 });
    const alice = await s.connectAs('alice');
    const bob = await s.connectAs('bob');
    for (const c of [alice, bob]) await c.send({ action: 'join', channelId: 'c1' });
    for (let i = 1; i <= 5; i++) await alice.send({ action: 'chat', text: `alice ${i}`, requestId: `m${i}` });
    await alice.send({ action: 'chat', text: 'alice 6', requestId: 'm6' });
    const refusal = alice.frames().at(-1);
    expect(refusal).toEqual({
      type: 'error',
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/too many chat messages from this connection; wait 1 s/),
      retryAfterMs: 1_000,
      requestId: 'm6',
    });

    // Bob chats at the same moment as if nothing happened.
    await bob.send({ action: 'chat', text: 'bob 1' });
    // Alice's connection still works for everything else, and for chat once the bucket refilled.
    await alice.send({ action: 'like' });
    await alice.send({ action: 'heartbeat', channelId: 'c1', sessionId: 'sess-a', sequence: 1 });
    expect(alice.frames().filter((f) => f['type'] === 'error')).toHaveLength(1);
    s.clock.advance(refusal?.['retryAfterMs'] as number);
    await alice.send({ action: 'chat', text: 'alice 7' });
    expect(alice.frames().filter((f) => f['type'] === 'error')).toHaveLength(1);
    expect(chatTexts(s)).toEqual(['alice 1', 'alice 2', 'alice 3', 'alice 4', 'alice 5', 'bob 1', 'alice 7']);
  });

  it('counts a user across connections: a second socket does not double the budget', async () => {
    const s = await inMemorySystem({ chatBurst: 5, chatUserBurst: 6, chatUserPerSecond: 1 });
    const [tab1, tab2] = [await s.connectAs('alice'), await s.connectAs('alice')];
    for (const c of [tab1, tab2]) await c.send({ action: 'join', channelId: 'c1' });
    for (let i = 0; i < 5; i++) await tab1.send({ action: 'chat', text: `t1-${i}` });
    await tab2.send({ action: 'chat', text: 't2-0' });
    await tab2.send({ action: 'chat', text: 't2-1' });
    expect(tab2.frames().at(-1)).toMatchObject({
      type: 'error',
      code: 'RATE_LIMITED',
      message: expect.stringContaining('from this user'),
    });
    expect(chatTexts(s)).toHaveLength(6);
  });

  it('answers bids over budget with 429 and Retry-After, appending nothing', async () => {
    const s = await inMemorySystem({ bidBurst: 3, bidPerSecond: 0.5 });
    await liveAuction(s);
    for (let i = 1; i <= 3; i++)
      expect(
        (await s.http('POST /api/auctions/a1/bids', { body: { bidId: `b${i}`, amount: 100 + i }, as: 'alice' })).status,
      ).toBe(201);
    const store = s.container.get(LOCAL_TOKENS.InMemoryEventStore);
    const before = (await store.read(auctionStreamId('a1'))).version;
    const refused = await s.http('POST /api/auctions/a1/bids', { body: { bidId: 'b4', amount: 200 }, as: 'alice' });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.body?.error).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 2_000,
      details: { action: 'bid', scope: 'user' },
    });
    expect((await store.read(auctionStreamId('a1'))).version).toBe(before);
    expect(
      (await s.http('POST /api/auctions/a1/bids', { body: { bidId: 'b-bob', amount: 300 }, as: 'bob' })).status,
    ).toBe(201);
    s.clock.advance(2_000);
    expect(
      (await s.http('POST /api/auctions/a1/bids', { body: { bidId: 'b5', amount: 400 }, as: 'alice' })).status,
    ).toBe(201);
  });

  it('refuses a heartbeat flood per connection with an error frame, queueing none of the excess', async () => {
    const s = await inMemorySystem({ heartbeatBurst: 2, heartbeatPerSecond: 0.2 });
    const viewer = await s.connect();
    if (viewer.refused !== null) throw new Error('refused');
    for (let i = 1; i <= 4; i++)
      await viewer.send({ action: 'heartbeat', channelId: 'c1', sessionId: 'sess-1', sequence: i });
    expect(viewer.frames()).toEqual([
      expect.objectContaining({ code: 'RATE_LIMITED', retryAfterMs: 5_000 }),
      expect.objectContaining({ code: 'RATE_LIMITED', retryAfterMs: 5_000 }),
    ]);
    expect(s.container.get(LOCAL_PRESENCE_TOKENS.HeartbeatQueue).counts().total).toBe(2);
  });

  it('holds a user to 5 connections at $connect (429), frees a slot on $disconnect, and leaves other users alone', async () => {
    const s = await inMemorySystem();
    const open = [];
    for (let i = 0; i < 5; i++) open.push(await s.connectAs('alice'));
    const sixth = await s.connect({ token: await s.tokenFor('alice') });
    expect(sixth).toMatchObject({ refused: 429, reason: expect.stringContaining('TOO_MANY_CONNECTIONS') });
    expect((await s.connect({ token: await s.tokenFor('bob') })).refused).toBeNull();
    await open[0]?.close();
    expect((await s.connect({ token: await s.tokenFor('alice') })).refused).toBeNull();
    // Anonymous viewers have no user to count against.
    for (let i = 0; i < 7; i++) expect((await s.connect()).refused).toBeNull();
  });

  it('refuses oversized HTTP bodies (413, any route) and WebSocket frames (error frame), and stays usable', async () => {
    const s = await inMemorySystem();
    const big = JSON.stringify({ channelId: 'c1', title: 'x'.repeat(MAX_HTTP_BODY_BYTES), currency: 'KRW' });
    const post = await s.http('POST /api/channels', { rawBody: big, as: 'mina' });
    expect(post).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', field: 'body' } } });
    expect((await s.http('GET /api/health', { rawBody: big })).status).toBe(413);
    expect(s.container.get(LOCAL_TOKENS.InMemoryEventStore).streamIds()).toEqual([]);

    const alice = await s.connectAs('alice');
    await alice.send(JSON.stringify({ action: 'chat', text: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect(alice.frames()).toEqual([
      expect.objectContaining({ type: 'error', code: 'PAYLOAD_TOO_LARGE', field: 'frame' }),
    ]);
    await alice.send({ action: 'join', channelId: 'c1' });
    expect(alice.frames().at(-1)).toMatchObject({ type: 'joined' });
  });
});
