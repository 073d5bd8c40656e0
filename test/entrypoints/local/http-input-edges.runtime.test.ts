import { connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HTTP_BODY_BYTES } from '../../../src/entrypoints/http/api-route.js';
import type { LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { sendThenReset } from '../../support/raw-http.js';
import { api, eventually, scheduleTrip, startQuietRuntime } from '../local-runtime-client.js';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A bare TCP client: what curl or a hostile script sends, without fetch's own limits. `read`
 * resolves with the next complete response (interim 1xx answers included), or rejects when the
 * server closes first; a server that never answers fails the test by its timeout.
 */
const rawClient = async (runtime: LocalRuntime) => {
  const socket: Socket = tcpConnect(runtime.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffered = Buffer.alloc(0);
  let closed = false;
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.on('data', (chunk: Buffer) => ((buffered = Buffer.concat([buffered, chunk])), wake()));
  socket.on('close', () => ((closed = true), wake()));
  // A server that closes while this client still writes resets the socket: that is what the tests look for, not a crash.
  socket.on('error', () => undefined);
  const parse = (): RawResponse | null => {
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine = '', ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    const status = Number(statusLine.split(' ')[1]);
    const length = status < 200 ? 0 : Number(headers['content-length'] ?? 0);
    if (buffered.length < end + 4 + length) return null;
    const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
    buffered = buffered.subarray(end + 4 + length);
    return { status, headers, body };
  };
  const read = async (): Promise<RawResponse> => {
    for (;;) {
      const response = parse();
      if (response) return response;
      if (closed) throw new Error('the server closed the connection without (the rest of) an answer');
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const write = (data: string | Buffer) =>
    new Promise<void>((resolve) => (socket.writable ? socket.write(data, () => resolve()) : resolve()));
  const whenClosed = () =>
    new Promise<void>((resolve) => (closed ? resolve() : waiters.push(() => closed && resolve())));
  return { read, write, whenClosed, isClosed: () => closed, end: () => socket.destroy() };
};

const MiB = 1024 * 1024;
const head = (method: string, path: string, headers: Record<string, string | number>) =>
  `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
const jsonBodyOf = (bytes: number) => {
  const prefix = '{"channelId":"big","currency":"KRW","title":"';
  return Buffer.from(`${prefix}${'x'.repeat(bytes - prefix.length - 2)}"}`);
};

describe('HTTP input edges of the local runtime, over real sockets', () => {
  let runtime: LocalRuntime;
  let token: string;
  beforeAll(async () => {
    runtime = await startQuietRuntime();
    token = (await runtime.devTokens.issue('seller-edges')).token;
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('answers a raw 2 MiB upload with 413, and the same connection then serves the next request', async () => {
    const client = await rawClient(runtime);
    const body = jsonBodyOf(2 * MiB);
    await client.write(
      head('POST', '/api/channels', {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'content-length': body.length,
      }),
    );
    for (let at = 0; at < body.length; at += 64 * 1024) await client.write(body.subarray(at, at + 64 * 1024));
    const refused = await client.read();
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: { code: 'PAYLOAD_TOO_LARGE', field: 'body', limit: MAX_HTTP_BODY_BYTES },
    });
    await client.write(head('GET', '/api/health', {}));
    expect((await client.read()).status).toBe(200);
    client.end();
  });

  it('answers a Host header or a target (`//`) no URL can hold, and keeps serving (both used to throw out of the listener)', async () => {
    for (const host of ['a b', '[', 'x:99999999']) {
      const client = await rawClient(runtime);
      await client.write(`GET /api/health HTTP/1.1\r\nhost: ${host}\r\n\r\n`);
      expect((await client.read()).status).toBe(200);
      client.end();
    }
    const client = await rawClient(runtime);
    await client.write(head('GET', '//', {}));
    const refused = await client.read();
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'INVALID_REQUEST', field: 'path' } });
    await client.write(head('GET', '/api/health', {}));
    expect((await client.read()).status).toBe(200);
    client.end();
    expect((await api(runtime, 'GET', '/api/health')).status).toBe(200);
  });

  it('reads dot segments, escapes and a query in the target as a URL does', async () => {
    const client = await rawClient(runtime);
    await client.write(head('GET', '/api/channels/../health', {}));
    expect((await client.read()).status).toBe(200);
    // The router decodes each path segment, as API Gateway matches routes on decoded paths.
    await client.write(head('GET', '/api/%68ealth?x=1', {}));
    expect((await client.read()).status).toBe(200);
    await client.write(head('GET', '/api/%2e%2e/api/health', {}));
    expect((await client.read()).status).toBe(200);
    await client.write(head('GET', '/api/streams/channel-none/events?after=1%200', {}));
    expect(JSON.parse((await client.read()).body)).toMatchObject({ error: { field: 'after' } });
    client.end();
  });

  it('keeps serving while clients reset their connections halfway through a booking body', async () => {
    await scheduleTrip(runtime, 'reset-trip', { as: 'operator-edges', capacity: 10, maxSeatsPerBooking: 2 });
    const half = head('POST', '/api/trips/reset-trip/bookings', {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'content-length': 40,
    });
    // What arrives is whole JSON, but Content-Length promises 40 bytes: a server that took the
    // reset for the end of the body would book a seat for each.
    await sendThenReset(runtime.port, `${half}{"seats":1}`);
    const booked = await api(runtime, 'POST', '/api/trips/reset-trip/bookings', { seats: 1 }, { as: 'after-resets' });
    expect(booked.status).toBe(202);
    // Half-sent bodies were never bookings: the one whole request takes the only seat taken.
    const trip = await eventually(
      () => api(runtime, 'GET', '/api/trips/reset-trip'),
      (t) => t.body?.['freeSeats'] !== 10,
    );
    expect(trip.body).toMatchObject({ capacity: 10, freeSeats: 9 });
  });

  it('answers 413 to a chunked upload past the limit (no Content-Length to go by)', async () => {
    const client = await rawClient(runtime);
    await client.write(
      head('POST', '/api/channels', {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'transfer-encoding': 'chunked',
      }),
    );
    const chunk = Buffer.alloc(256 * 1024, 'x');
    for (let i = 0; i < 8; i++)
      await client.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    await client.write('0\r\n\r\n');
    const refused = await client.read();
    expect(refused).toMatchObject({ status: 413 });
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    client.end();
  });

  it('refuses a declared oversized body on Expect: 100-continue before the client sends it', async () => {
    const client = await rawClient(runtime);
    await client.write(
      head('POST', '/api/channels', {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'content-length': 2 * MiB,
        expect: '100-continue',
      }),
    );
    const answer = await client.read();
    expect(answer.status).toBe(413);
    expect(answer.headers['connection']).toBe('close');
    await client.whenClosed();
    expect(client.isClosed()).toBe(true);
  });

  it('answers an upload declared past what it drains (20 MiB) at once and closes, instead of reading it', async () => {
    const client = await rawClient(runtime);
    await client.write(
      head('POST', '/api/channels', {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'content-length': 20 * MiB,
      }),
    );
    await client.write(Buffer.alloc(64 * 1024, 'x'));
    const answer = await client.read();
    expect(answer).toMatchObject({ status: 413, headers: { connection: 'close' } });
    await client.whenClosed();
  });

  it('keeps 413 for a body between the route limit and a MiB, and accepts one just under the limit', async () => {
    const over = await fetch(`${runtime.url}/api/channels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: jsonBodyOf(500 * 1024),
    });
    expect(over.status).toBe(413);
    const title = 'x'.repeat(150);
    const under = await fetch(`${runtime.url}/api/channels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        channelId: 'under-limit',
        title,
        currency: 'KRW',
        padding: ' '.repeat(MAX_HTTP_BODY_BYTES - 300),
      }),
    });
    expect(under.status).toBe(201);
  });

  it.each([
    ['text/plain', '{"channelId":"ct-1","title":"t","currency":"KRW"}'],
    ['application/xml', '{"channelId":"ct-2","title":"t","currency":"KRW"}'],
    ['multipart/form-data; boundary=x', '{"channelId":"ct-3","title":"t","currency":"KRW"}'],
    ['application/x-www-form-urlencoded', '{"channelId":"ct-4","title":"t","currency":"KRW"}'],
  ])('refuses a JSON body sent as %s with 415, and creates nothing', async (contentType, body) => {
    const res = await fetch(`${runtime.url}/api/channels`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
      body,
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type' } });
    const channelId = (JSON.parse(body) as { channelId: string }).channelId;
    expect((await api(runtime, 'GET', `/api/channels/${channelId}`)).status).toBe(404);
  });

  it('accepts application/json with a charset, and a body with no content type at all is 415', async () => {
    const charset = await fetch(`${runtime.url}/api/channels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
      body: JSON.stringify({ channelId: 'ct-charset', title: 't', currency: 'KRW' }),
    });
    expect(charset.status).toBe(201);
    const client = await rawClient(runtime);
    const body = JSON.stringify({ channelId: 'ct-none', title: 't', currency: 'KRW' });
    await client.write(
      head('POST', '/api/channels', { authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) }) +
        body,
    );
    expect((await client.read()).status).toBe(415);
    client.end();
  });

  it.each([
    ['.', 'channelId'],
    ['..', 'channelId'],
    ['a.b', 'channelId'],
    ['a:b', 'channelId'],
    ['-lead', 'channelId'],
    ['x'.repeat(65), 'channelId'],
  ])('refuses channel id %j with 400 naming the field', async (channelId, field) => {
    const res = await api(
      runtime,
      'POST',
      '/api/channels',
      { channelId, title: 't', currency: 'KRW' },
      { as: 'seller-edges' },
    );
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST', field } } });
  });

  it('refuses product, trip and booking request ids outside the safe set, naming the field', async () => {
    expect(
      (
        await api(
          runtime,
          'POST',
          '/api/channels',
          { channelId: 'ids-ok', title: 't', currency: 'KRW' },
          { as: 'seller-edges' },
        )
      ).status,
    ).toBe(201);
    const product = await api(
      runtime,
      'POST',
      '/api/channels/ids-ok/products',
      { productId: '..', name: 'n', price: 100, currency: 'KRW' },
      { as: 'seller-edges' },
    );
    expect(product).toMatchObject({ status: 400, body: { error: { field: 'productId' } } });
    const trip = await api(
      runtime,
      'POST',
      '/api/trips',
      { tripId: '.', route: 'A → B', departsAt: Date.now() + 86_400_000, capacity: 10, maxSeatsPerBooking: 2 },
      { as: 'operator-edges' },
    );
    expect(trip).toMatchObject({ status: 400, body: { error: { field: 'tripId' } } });
    const auction = await api(
      runtime,
      'POST',
      '/api/channels/ids-ok/auctions',
      { auctionId: 'a.1', productId: 'p1', startingPrice: 100, minIncrement: 10, durationSeconds: 60 },
      { as: 'seller-edges' },
    );
    expect(auction).toMatchObject({ status: 400, body: { error: { field: 'auctionId' } } });
    await scheduleTrip(runtime, 'edge-trip', { as: 'operator-edges', capacity: 10, maxSeatsPerBooking: 2 });
    const booking = await api(
      runtime,
      'POST',
      '/api/trips/edge-trip/bookings',
      { seats: 1, requestId: 'r:1' },
      { as: 'rider' },
    );
    expect(booking).toMatchObject({ status: 400, body: { error: { field: 'requestId' } } });
  });

  it.each(['system-x', 'trip-t1', 'channel-', 'channel-a.b', 'auction-..', 'channel-' + 'x'.repeat(200), 'c%3A1'])(
    'answers stream id %j with 404 STREAM_NOT_FOUND, as for any stream a viewer cannot read',
    async (streamId) => {
      const res = await api(runtime, 'GET', `/api/streams/${encodeURIComponent(streamId)}/events?after=0`);
      expect(res).toMatchObject({ status: 404, body: { error: { code: 'STREAM_NOT_FOUND' } } });
    },
  );

  it.each(['0x10', '1e0', '%201', '1.0', '-1', '', '+1', '1%20'])(
    'refuses after=%s with 400 naming after',
    async (after) => {
      expect(
        (
          await api(
            runtime,
            'POST',
            '/api/channels',
            { channelId: 'numbers', title: 't', currency: 'KRW' },
            { as: 'seller-edges' },
          )
        ).status,
      ).toBeLessThan(300);
      const res = await api(runtime, 'GET', `/api/streams/channel-numbers/events?after=${after}`);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST', field: 'after' } } });
    },
  );

  it('reads a recovery page with plain decimal after and limit', async () => {
    expect(
      (
        await api(
          runtime,
          'POST',
          '/api/channels',
          { channelId: 'numbers-ok', title: 't', currency: 'KRW' },
          { as: 'seller-edges' },
        )
      ).status,
    ).toBeLessThan(300);
    const res = await api(runtime, 'GET', '/api/streams/channel-numbers-ok/events?after=0&limit=10');
    expect(res).toMatchObject({
      status: 200,
      body: { streamId: 'channel-numbers-ok', items: [expect.objectContaining({ version: 1 })] },
    });
    expect((await api(runtime, 'GET', '/api/streams/channel-numbers-ok/events?limit=0x5')).body).toMatchObject({
      error: { field: 'limit' },
    });
  });
});
