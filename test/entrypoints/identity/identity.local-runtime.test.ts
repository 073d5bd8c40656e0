import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { forgedTokens } from '../../support/forged-tokens.js';
import { api, connect, eventually, startQuietRuntime } from '../local-runtime-client.js';

/** The HTTP status a WebSocket handshake was refused with (0 when it opened). */
const handshakeStatus = (url: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve(0);
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? -1));
    socket.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });

describe('identity in the local runtime (npm start)', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startQuietRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('hands out signed demo tokens and publishes only public keys', async () => {
    const issued = await fetch(`${runtime.url}/api/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'mina' }),
    });
    expect(issued.status).toBe(201);
    const body = (await issued.json()) as { token: string; tokenType: string; userId: string; expiresAt: number };
    expect(body).toMatchObject({ tokenType: 'Bearer', userId: 'mina', expiresAt: expect.any(Number) });
    expect(body.token.split('.')).toHaveLength(3);
    const jwks = (await (await fetch(`${runtime.url}/api/dev/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) }),
    ]);
    for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwks.keys[0]).not.toHaveProperty(privatePart);
    expect(await api(runtime, 'POST', '/api/dev/tokens', { userId: 'no spaces allowed' })).toMatchObject({
      status: 400,
      body: { error: { field: 'userId' } },
    });
  });

  it('verifies bearer tokens on writes like the API Gateway JWT authorizer, and leaves reads public', async () => {
    const anonymous = await fetch(`${runtime.url}/api/channels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channelId: 'id-1', title: 'T', currency: 'KRW' }),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const forged = await forgedTokens(runtime.devTokens, Date.now(), 'mina');
    const tampered = await fetch(`${runtime.url}/api/channels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forged.tampered}` },
      body: JSON.stringify({ channelId: 'id-1', title: 'T', currency: 'KRW' }),
    });
    expect(tampered.status).toBe(401);
    expect(
      await api(runtime, 'POST', '/api/channels', { channelId: 'id-1', title: 'T', currency: 'KRW' }, { as: 'mina' }),
    ).toMatchObject({ status: 201 });
    expect((await api(runtime, 'GET', '/api/channels/id-1')).status).toBe(200);
  });

  it('once a genuine token is verified (and kept), every forgery made from it is still refused, over HTTP and at the handshake', async () => {
    // Verified tokens are kept until they expire: the genuine one goes first, several times, so
    // that a forgery would find a kept verdict if the cache were keyed by less than the whole token.
    const forged = await forgedTokens(runtime.devTokens, Date.now(), 'kept');
    const post = (token: string, channelId: string) =>
      fetch(`${runtime.url}/api/channels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ channelId, title: 'T', currency: 'KRW' }),
      });
    for (let i = 0; i < 3; i++) expect((await post(forged.valid, `kept-${i}`)).status).toBe(201);
    expect(await handshakeStatus(`${runtime.wsUrl}?token=${forged.valid}`)).toBe(0);
    for (const [kind, token] of Object.entries(forged)) {
      if (kind === 'valid' || token === '') continue;
      expect((await post(token, `forged-${kind}`)).status, kind).toBe(401);
      expect(await handshakeStatus(`${runtime.wsUrl}?token=${encodeURIComponent(token)}`), kind).toBe(401);
    }
    expect((await post(forged.valid, 'kept-after')).status).toBe(201);
  });

  it('verifies the token on the WebSocket handshake: bad ones get 401, none is an anonymous viewer, a good one acts as its subject', async () => {
    const forged = await forgedTokens(runtime.devTokens, Date.now(), 'alice');
    for (const token of [forged.expired, forged.algNone, forged.wrongSignature, forged.tampered, 'garbage']) {
      expect(await handshakeStatus(`${runtime.wsUrl}?token=${encodeURIComponent(token)}`)).toBe(401);
    }
    expect(await handshakeStatus(runtime.wsUrl)).toBe(0);

    await api(runtime, 'POST', '/api/channels', { channelId: 'id-2', title: 'T', currency: 'KRW' }, { as: 'mina' });
    await api(runtime, 'POST', '/api/channels/id-2/start', undefined, { as: 'mina' });
    await api(
      runtime,
      'POST',
      '/api/channels/id-2/products',
      { productId: 'p', name: 'P', price: 100, currency: 'KRW' },
      { as: 'mina' },
    );
    await api(
      runtime,
      'POST',
      '/api/channels/id-2/auctions',
      { auctionId: 'id-a', productId: 'p', startingPrice: 100, minIncrement: 10, durationSeconds: 600 },
      { as: 'mina' },
    );
    const alice = await connect(runtime, { as: 'alice' });
    alice.send({ action: 'bid', auctionId: 'id-a', amount: 100, bidId: 'b1', bidderId: 'mina' });
    const frames = await eventually(
      async () => alice.frames,
      (f) => f.length > 0,
    );
    expect(frames[0]).toMatchObject({ type: 'bid-accepted', highest: { bidderId: 'alice', amount: 100 } });
    await alice.close();
  });
});
