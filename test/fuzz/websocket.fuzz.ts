import fc from 'fast-check';
import { expect } from 'vitest';
import { anyJson, anyString, mutate, rawGarbage, type Mutated } from './garbage.arbitraries.js';
import { AUCTIONS, CHANNELS, count, outcome, USERS, type FuzzWorld } from './fuzz-world.js';

/** Every WebSocket action with a valid frame to mutate, and whole-frame garbage. */
export const FRAME_SPECS: Readonly<Record<string, Record<string, unknown> | undefined>> = {
  join: { action: 'join', channelId: 'c0' },
  chat: { action: 'chat', text: 'hello there' },
  like: { action: 'like', count: 3 },
  bid: { action: 'bid', auctionId: 'a0', amount: 50_000, bidId: 'wb-1' },
  heartbeat: { action: 'heartbeat', channelId: 'c1', sessionId: 'sess-1', sequence: 7 },
  // The envelope itself: no action, unknown actions, non-objects.
  envelope: { action: 'dance', requestId: 'r-1' },
};

type Connection = Extract<Awaited<ReturnType<FuzzWorld['connect']>>, { refused: null }>;

/** Connections of every kind of caller: signed-in users (some joined), anonymous viewers. */
export const openConnections = async (world: FuzzWorld): Promise<Connection[]> => {
  const connections: Connection[] = [];
  for (const [i, user] of USERS.entries()) {
    const c = await world.connectAs(user);
    await c.send({ action: 'join', channelId: CHANNELS[i % CHANNELS.length] });
    connections.push(c);
  }
  for (let i = 0; i < 2; i++) {
    const c = await world.connect();
    if (c.refused !== null) throw new Error('anonymous viewer refused');
    if (i === 0) await c.send({ action: 'join', channelId: 'c0' });
    connections.push(c);
  }
  return connections;
};

const frameArb = (template: Record<string, unknown> | undefined): fc.Arbitrary<Mutated> =>
  fc.oneof(
    { weight: 4, arbitrary: mutate(template) },
    { weight: 1, arbitrary: anyJson.map((value): Mutated => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: rawGarbage.map((text): Mutated => ({ kind: 'raw', text })) },
    // Right action, fields from another action's frame or from nowhere.
    {
      weight: 1,
      arbitrary: fc
        .record({
          action: fc.constantFrom(...Object.keys(FRAME_SPECS), ...([] as string[])),
          channelId: anyString,
          auctionId: fc.constantFrom(...AUCTIONS),
          amount: anyJson,
          text: anyString,
        })
        .map((value): Mutated => ({ kind: 'json', value })),
    },
  );

/**
 * Throws frames at the `$default` route (ws-message and every registered action), checking:
 * the invocation always succeeds (API Gateway never sees a crash), every reply is JSON, every
 * error frame names its code, and a refused frame changed nothing but the error frame it got.
 */
export const fuzzFrames = async (
  world: FuzzWorld,
  connections: readonly Connection[],
  name: string,
  numRuns: number,
): Promise<void> => {
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: connections.length - 1 }), frameArb(FRAME_SPECS[name]), async (which, frame) => {
      count(`ws ${name}`);
      const connection = connections[which] as Connection;
      const body = frame.kind === 'none' ? '' : frame.kind === 'raw' ? frame.text : JSON.stringify(frame.value);
      const seen = connection.frames().length;
      const before = await world.fingerprint(['posts']);
      const result = await connection.send(body);
      expect(result).toEqual({ statusCode: 200 });
      const replies = connection.frames().slice(seen);
      expect(replies.length).toBeLessThanOrEqual(1);
      const reply = replies[0];
      if (reply?.['type'] === 'error') {
        outcome(`ws ${name}`, String(reply['code']));
        expect(typeof reply['code'], JSON.stringify(reply)).toBe('string');
        expect(typeof reply['message'], JSON.stringify(reply)).toBe('string');
        expect(reply['code'], JSON.stringify(reply)).not.toBe('INTERNAL');
        expect(
          await world.fingerprint(['posts']),
          `frame ${body.slice(0, 200)} was refused (${reply['code']}) but changed state`,
        ).toBe(before);
      } else outcome(`ws ${name}`, reply ? String(reply['type']) : 'accepted');
    }),
    { numRuns },
  );
};

/**
 * The `$connect` path: garbage and forged tokens through the ws-authorizer, then $connect.
 * Only a valid token or no token (anonymous viewers are allowed) may connect; everything else
 * is refused with "Unauthorized" (401), never another error.
 */
export const fuzzConnect = async (world: FuzzWorld, numRuns: number): Promise<void> => {
  const forged = Object.entries(world.forged).filter(([k]) => k !== 'valid' && k !== 'empty');
  const validTokens = new Set(Object.values(world.valid));
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.constantFrom(...forged.map(([, t]) => t)),
        anyString,
        fc.constantFrom(...validTokens),
        fc.constant(undefined),
        // A valid token with one character of its payload changed (not the last one of the
        // segment, whose low bits may be base64 padding and decode to the same bytes).
        fc.tuple(fc.constantFrom(...validTokens), fc.nat(), fc.constantFrom('A', 'x', '-', '_')).map(([t, i, c]) => {
          const start = t.indexOf('.') + 1;
          const at = start + (i % (t.indexOf('.', start) - start - 1));
          return `${t.slice(0, at)}${t[at] === c ? 'B' : c}${t.slice(at + 1)}`;
        }),
      ),
      async (token) => {
        count('ws $connect (ws-authorizer)');
        const attempt = await world.connect(token === undefined ? {} : { token });
        outcome('ws $connect (ws-authorizer)', attempt.refused === null ? 'connected' : `${attempt.refused}`);
        const mayConnect = token === undefined || token === '' || token === 'anonymous' || validTokens.has(token);
        if (mayConnect) expect(attempt.refused, `token ${String(token).slice(0, 40)}`).toBeNull();
        else
          expect(attempt, `token ${token.slice(0, 60)} connected`).toMatchObject({
            refused: 401,
            reason: 'Unauthorized',
          });
        if (attempt.refused === null) await attempt.close();
      },
    ),
    { numRuns },
  );
};
