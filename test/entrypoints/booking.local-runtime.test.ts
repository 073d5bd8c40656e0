import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/entrypoints/local/runtime.js';
import { api, eventually, startQuietRuntime } from './local-runtime-client.js';

describe('booking in the local runtime (npm start)', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startQuietRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('queues bookings (202), decides them on the trip, and publishes stats.json', async () => {
    const departsAt = Date.now() + 86_400_000;
    const trip = { tripId: 'holiday-express', route: 'Seoul → Gwangju', departsAt, capacity: 3, maxSeatsPerBooking: 2 };
    expect((await api(runtime, 'POST', '/api/trips', trip, { as: 'operator' })).status).toBe(201);
    expect((await api(runtime, 'POST', '/api/trips', trip, { as: 'operator' })).status).toBe(201); // the seed script may run twice

    const first = await api(
      runtime,
      'POST',
      '/api/trips/holiday-express/bookings',
      { seats: 2, requestId: 'req-kim' },
      { as: 'kim' },
    );
    expect(first).toEqual({ status: 202, body: { requestId: 'req-kim', status: 'QUEUED' } });
    const seed = await api(runtime, 'POST', '/api/book-bus', undefined, { as: 'guest-1' }); // the seed's button: no body, default trip, one seat
    expect(seed.status).toBe(202);
    const late = await api(
      runtime,
      'POST',
      '/api/trips/holiday-express/bookings',
      { seats: 2, requestId: 'req-lee' },
      { as: 'lee' },
    );
    expect(late.status).toBe(202);
    await runtime.whenIdle();

    expect((await api(runtime, 'GET', '/api/bookings/req-kim', undefined, { as: 'kim' })).body).toMatchObject({
      status: 'CONFIRMED',
      seatNumbers: [1, 2],
    });
    expect(
      (await api(runtime, 'GET', `/api/bookings/${seed.body?.requestId}`, undefined, { as: 'guest-1' })).body,
    ).toMatchObject({ status: 'CONFIRMED', seatNumbers: [3] });
    expect((await api(runtime, 'GET', '/api/bookings/req-lee', undefined, { as: 'lee' })).body).toMatchObject({
      status: 'REJECTED',
      reason: 'SOLD_OUT',
    });

    const cancelled = await api(runtime, 'DELETE', '/api/bookings/req-kim', undefined, { as: 'kim' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', seatNumbers: [1, 2] });
    expect((await api(runtime, 'GET', '/api/trips/holiday-express')).body).toMatchObject({ freeSeats: 2 });

    const stats = await api(runtime, 'GET', '/api/stats');
    expect(stats.body).toMatchObject({ requests: 3, processed: 3, success: 2, cancelled: 1, successRate: 0.6667 });
    const published = await eventually(
      async () => (await fetch(`${runtime.url}/stats.json`)).json() as Promise<Record<string, unknown>>,
      (s) => s.processed === 3,
    );
    expect(published).toMatchObject({ requests: 3, processed: 3, success: 2 });
  });

  it('decides bookings during a flood of POSTs that never pauses, and every accepted one after it', async () => {
    // The consumer yields to the HTTP edge while requests pour in, but never for good: a booking
    // sent in the middle of the flood is decided while the flood still runs.
    const departsAt = Date.now() + 86_400_000;
    const trip = (tripId: string) => ({ tripId, route: 'A → B', departsAt, capacity: 1_000, maxSeatsPerBooking: 1 });
    for (const tripId of ['flood-trip', 'early-trip'])
      expect((await api(runtime, 'POST', '/api/trips', trip(tripId), { as: 'operator' })).status).toBe(201);
    const tokens = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => (await runtime.devTokens.issue(`flooder-${i}`)).token),
    );
    // The flood stops once the booking sent into it is decided — or, bounded, after 15 s or
    // 30,000 requests: then the consumer was held back for good and the test fails.
    const started = Date.now();
    const accepted: string[] = [];
    let sent = 0;
    let decidedEarlyAt: number | null = null;
    const flooding = () => decidedEarlyAt === null && Date.now() - started < 15_000 && sent < 30_000;
    const flood = Promise.all(
      tokens.map(async (token, c) => {
        while (flooding()) {
          const requestId = `flood-${c}-${sent++}`;
          const res = await fetch(`${runtime.url}/api/trips/flood-trip/bookings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ seats: 1, requestId }),
          });
          await res.text();
          if (res.status === 202) accepted.push(requestId);
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    const early = { as: 'early-bird' };
    const sentEarly = await api(
      runtime,
      'POST',
      '/api/trips/early-trip/bookings',
      { seats: 1, requestId: 'early' },
      early,
    );
    expect(sentEarly.status).toBe(202);
    const sentBeforeEarly = sent;
    while (flooding()) {
      const answer = await api(runtime, 'GET', '/api/bookings/early', undefined, early);
      if (answer.body?.['status'] === 'CONFIRMED') decidedEarlyAt = Date.now();
      else await new Promise((r) => setTimeout(r, 50));
    }
    await flood;
    expect(decidedEarlyAt, 'the booking sent mid-flood was not decided while the flood ran').not.toBeNull();
    // It was a flood that did not pause: requests kept arriving while the early booking waited.
    expect(accepted.length).toBeGreaterThan(50);
    expect(sent).toBeGreaterThan(sentBeforeEarly);

    await runtime.whenIdle();
    const flooded = (await api(runtime, 'GET', '/api/trips/flood-trip')).body;
    expect(flooded).toMatchObject({ freeSeats: Math.max(0, 1_000 - accepted.length) });
  });
  it('a client that hangs up before its answer, racing others, retries with the same request id: booked once', async () => {
    // Answers of one event-loop turn are written together at its end: a client gone by then is
    // skipped, and nobody else's answer is lost or crossed.
    const departsAt = Date.now() + 86_400_000;
    const trip = { tripId: 'hangup-trip', route: 'C → D', departsAt, capacity: 100, maxSeatsPerBooking: 2 };
    expect((await api(runtime, 'POST', '/api/trips', trip, { as: 'operator' })).status).toBe(201);
    const { port } = new URL(runtime.url);
    const hangUp = async (requestId: string): Promise<void> => {
      const token = (await runtime.devTokens.issue(`quitter-${requestId}`)).token;
      const body = JSON.stringify({ seats: 2, requestId });
      const socket = tcpConnect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.write(
        `POST /api/trips/hangup-trip/bookings HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
          `authorization: Bearer ${token}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      socket.destroy();
    };
    const book = (requestId: string, as: string) =>
      api(runtime, 'POST', '/api/trips/hangup-trip/bookings', { seats: 1, requestId }, { as });
    const others = Array.from({ length: 20 }, (_, i) => book(`racer-${i}`, `racer-${i}`));
    await Promise.all([hangUp('gone-1'), hangUp('gone-2')]);
    const answered = await Promise.all(others);
    expect(answered.map((a) => a.body?.['requestId'])).toEqual(others.map((_, i) => `racer-${i}`));
    expect(answered.every((a) => a.status === 202)).toBe(true);

    // The quitters retry (a new connection, the same request id): the same 202, one booking each.
    for (const id of ['gone-1', 'gone-2']) {
      const retry = await api(
        runtime,
        'POST',
        '/api/trips/hangup-trip/bookings',
        { seats: 2, requestId: id },
        { as: `quitter-${id}` },
      );
      expect(retry).toEqual({ status: 202, body: { requestId: id, status: 'QUEUED' } });
    }
    await runtime.whenIdle();
    for (const id of ['gone-1', 'gone-2']) {
      const status = await api(runtime, 'GET', `/api/bookings/${id}`, undefined, { as: `quitter-${id}` });
      expect(status.body).toMatchObject({ status: 'CONFIRMED' });
      expect(status.body?.['seatNumbers']).toHaveLength(2);
    }
    // 20 racers × 1 seat + 2 quitters × 2 seats, each counted once whatever reached whom first.
    expect((await api(runtime, 'GET', '/api/trips/hangup-trip')).body).toMatchObject({ freeSeats: 100 - 24 });
  });

  it('answers a stats poll while a backlog of 3,000 bookings is being decided, not after it', async () => {
    // Pipelined POSTs on four raw connections: the edge reads them faster than the trip decides
    // (decisions wait while the edge is busy), so a backlog is left when the last 202 arrives.
    // The consumer over the in-memory queue never waits for I/O; were its batches chained without
    // a turn of the event loop between them, the poll below would be read only once the whole
    // backlog was decided.
    const departsAt = Date.now() + 86_400_000;
    const trip = { tripId: 'backlog-trip', route: 'E → F', departsAt, capacity: 1_000, maxSeatsPerBooking: 1 };
    expect((await api(runtime, 'POST', '/api/trips', trip, { as: 'operator' })).status).toBe(201);
    await runtime.whenIdle();
    const { port } = new URL(runtime.url);
    const perSocket = 750;
    const burst = await Promise.all(
      Array.from({ length: 4 }, async (_, s) => {
        const token = (await runtime.devTokens.issue(`backlogger-${s}`)).token;
        const socket = tcpConnect(Number(port), '127.0.0.1');
        await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        let answers = '';
        const allAnswered = new Promise<string>((resolve, reject) => {
          socket.on('data', (chunk: Buffer) => {
            answers += chunk.toString('latin1');
            if (answers.split('HTTP/1.1 ').length - 1 === perSocket) resolve(answers);
          });
          socket.once('error', reject);
        });
        let requests = '';
        for (let i = 0; i < perSocket; i++) {
          const body = JSON.stringify({ seats: 1, requestId: `backlog-${s}-${i}` });
          requests +=
            `POST /api/trips/backlog-trip/bookings HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
            `authorization: Bearer ${token}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
        }
        socket.write(requests);
        const text = await allAnswered;
        socket.destroy();
        return text.split('HTTP/1.1 202 ').length - 1;
      }),
    );
    expect(burst).toEqual([perSocket, perSocket, perSocket, perSocket]);
    // The poll comes once the edge has been quiet for a moment (the consumer stops deferring to
    // it 20 ms after the last request) and the trip is deciding flat out.
    await new Promise((r) => setTimeout(r, 40));
    const during = (await api(runtime, 'GET', '/api/stats')).body as { requests: number; processed: number };
    await runtime.whenIdle();
    const after = (await api(runtime, 'GET', '/api/stats')).body as { requests: number; processed: number };
    expect(after.processed).toBe(after.requests);
    expect(during.requests).toBe(after.requests);
    expect(during.processed, 'the poll was answered only after the backlog was decided').toBeLessThan(during.requests);
    expect((await api(runtime, 'GET', '/api/trips/backlog-trip')).body).toMatchObject({ freeSeats: 0 }); // 1,000 booked, 2,000 turned away
  });
});
