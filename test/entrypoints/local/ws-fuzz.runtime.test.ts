import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { openAuction, startQuietRuntime } from '../local-runtime-client.js';

const hostile = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '.', '..', '%', '\u0000', '🙂', 'a'.repeat(300), '__proto__'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 2 ** 53, 1e308),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

/** A frame for the channel and auction the test opened: valid, bent in one field, any JSON, not JSON, or binary. */
const frameFor = (ids: { channelId: string; auctionId: string }): fc.Arbitrary<string | Buffer> => {
  const valid: Record<string, unknown>[] = [
    { action: 'join', channelId: ids.channelId },
    { action: 'chat', text: 'hello' },
    { action: 'like', count: 2 },
    { action: 'bid', auctionId: ids.auctionId, amount: 1_100, bidId: 'b-1' },
    { action: 'heartbeat', channelId: ids.channelId, sessionId: 's-1', sequence: 1 },
  ];
  const bent = fc
    .record({ frame: fc.constantFrom(...valid), n: fc.nat(), change: fc.option(hostile, { freq: 3 }) })
    .map(({ frame, n, change }) => {
      const keys = Object.keys(frame);
      const key = keys[n % keys.length] ?? 'action';
      const copy: Record<string, unknown> = { ...frame };
      if (change === null) delete copy[key];
      else copy[key] = change;
      return JSON.stringify(copy);
    });
  return fc.oneof(
    { arbitrary: fc.constantFrom(...valid).map((f) => JSON.stringify(f)), weight: 2 },
    { arbitrary: bent, weight: 6 },
    { arbitrary: fc.json(), weight: 1 },
    { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
    { arbitrary: fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b)), weight: 1 },
  );
};

const open = (url: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });

describe('the local WebSocket API under hostile frames', () => {
  let runtime: LocalRuntime;
  let ids: { channelId: string; auctionId: string };
  beforeAll(async () => {
    runtime = await startQuietRuntime();
    ids = await openAuction(runtime, 'wsfz', { as: 'ws-fuzz-seller' });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('answers every bad frame with an error that names it (never INTERNAL), closes nothing, and still serves a join', async () => {
    const seed = Date.now();
    const frames = fc.sample(frameFor(ids), { numRuns: 600, seed });
    const token = (await runtime.devTokens.issue('ws-fuzz-viewer')).token;
    const sockets = [await open(`${runtime.wsUrl}?token=${encodeURIComponent(token)}`), await open(runtime.wsUrl)];
    const received: Array<Record<string, unknown>> = [];
    const closes: number[] = [];
    for (const socket of sockets) {
      socket.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
      socket.on('close', (code) => closes.push(code));
    }
    frames.forEach((frame, i) => sockets[i % sockets.length]!.send(frame));
    for (const [i, socket] of sockets.entries())
      socket.send(JSON.stringify({ action: 'join', channelId: ids.channelId, requestId: `last-${i}` }));
    const deadline = Date.now() + 20_000;
    const joinedLast = () =>
      received.filter((f) => f['type'] === 'joined' && String(f['requestId']).startsWith('last-'));
    while (joinedLast().length < sockets.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const context = `seed ${seed}`;
    expect(joinedLast(), context).toHaveLength(sockets.length);
    expect(closes, context).toEqual([]);
    const errors = received.filter((f) => f['type'] === 'error');
    expect(errors.length, context).toBeGreaterThan(0);
    expect(
      errors.filter((e) => e['code'] === 'INTERNAL' || typeof e['message'] !== 'string'),
      context,
    ).toEqual([]);
    for (const socket of sockets) socket.close();
  }, 60_000);
});
