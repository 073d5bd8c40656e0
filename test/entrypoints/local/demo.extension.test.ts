import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CHANNELS } from '../../../src/entrypoints/demo/demo-catalogue.js';
import { startLocalRuntime, type LocalRuntime } from '../../../src/entrypoints/local/runtime.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const WAIT_MS = 30_000;

/** Polls `read` until `done` holds; the failure shows the last value. Bounded, never a speed claim. */
const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> => {
  const deadline = Date.now() + WAIT_MS;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen within ${WAIT_MS} ms; last: ${JSON.stringify(last)}`);
};

const getJson = async <T>(runtime: LocalRuntime, path: string): Promise<T> =>
  (await (await fetch(`${runtime.url}${path}`)).json()) as T;

interface Listing {
  channelId: string;
  status: string;
  viewerCount: number;
  products: number;
  openAuctions: number;
}

describe('demo mode', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, demo: true, progressIntervalMs: 0, logLevel: 'ERROR' });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('puts the catalogue on stage: live channels with products, audiences counted from real heartbeats', async () => {
    const { channels } = await eventually(
      () => getJson<{ channels: Listing[] }>(runtime, '/api/channels?status=LIVE'),
      ({ channels }) => channels.length === DEMO_CHANNELS.length && channels.every((c) => c.viewerCount > 0),
      'every demo channel live with viewers',
    );
    for (const demo of DEMO_CHANNELS) {
      const listed = channels.find((c) => c.channelId === demo.channelId);
      expect(listed).toMatchObject({ status: 'LIVE', products: demo.products.length });
      expect(listed?.viewerCount).toBeLessThanOrEqual(demo.audience[1]);
    }
  });

  it('runs auctions whose simulated bids rise by at least the increment', async () => {
    const demo = DEMO_CHANNELS.find((c) => c.auction !== null);
    const terms = demo?.auction;
    if (!demo || !terms) throw new Error('the catalogue has no auction channel');
    const snapshot = await eventually(
      () => getJson<{ openAuctions: string[] }>(runtime, `/api/channels/${demo.channelId}`),
      (s) => s.openAuctions.length > 0,
      'an open auction',
    );
    const auctionId = snapshot.openAuctions[0] as string;
    const page = await eventually(
      () =>
        getJson<{ items: { sourceType: string; data: { amount?: number; bidderId?: string } }[] }>(
          runtime,
          `/api/streams/auction-${auctionId}/events?after=0`,
        ),
      (p) => p.items.filter((i) => i.sourceType === 'BidPlaced').length >= 2,
      'two demo bids',
    );
    const bids = page.items.filter((i) => i.sourceType === 'BidPlaced').map((i) => i.data);
    expect(bids[0]?.amount).toBeGreaterThanOrEqual(terms.startingPrice);
    for (let i = 1; i < bids.length; i++) {
      expect((bids[i]?.amount ?? 0) - (bids[i - 1]?.amount ?? 0)).toBeGreaterThanOrEqual(terms.minIncrement);
      expect(bids[i]?.bidderId).not.toBe(bids[i - 1]?.bidderId); // nobody outbids themselves
    }
  });

  it('schedules the trips, including the one POST /api/book-bus books on', async () => {
    const trip = await eventually(
      async () => (await fetch(`${runtime.url}/api/trips/${runtime.config.defaultTripId}`)).status,
      (status) => status === 200,
      'the default trip',
    );
    expect(trip).toBe(200);
    const issued = await fetch(`${runtime.url}/api/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"userId":"traveller-1"}',
    });
    const { token } = (await issued.json()) as { token: string };
    const booked = await fetch(`${runtime.url}/api/book-bus`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"seats":1}',
    });
    expect(booked.status).toBe(202);
    const { trips } = await getJson<{ trips: { tripId: string }[] }>(runtime, '/api/stats');
    expect(trips.map((t) => t.tripId)).toContain(runtime.config.defaultTripId);
  });
});

describe('without demo mode', () => {
  it('startLocalRuntime starts empty (tests see only what they create)', async () => {
    const runtime = await startLocalRuntime({ port: 0, progressIntervalMs: 0, logLevel: 'ERROR' });
    try {
      expect(runtime.config.demo).toBe(false);
      await runtime.whenIdle();
      expect(await getJson(runtime, '/api/channels')).toEqual({ channels: [] });
      expect((await fetch(`${runtime.url}/api/trips/${runtime.config.defaultTripId}`)).status).toBe(404);
    } finally {
      await runtime.stop();
    }
  });
});

describe('npm start', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL'); // only the process this test started
  });

  /** What `npm start` runs, minus npm's prestart dependency check; resolves with the banner. */
  const banner = async (args: string[]): Promise<string> => {
    child = spawn(
      `${root}node_modules/.bin/tsx`,
      ['src/entrypoints/local/main.ts', '--port', '0', '--progress-interval-ms', '0', ...args],
      {
        cwd: root,
        env: { ...process.env, STAMPEDE_LOG_LEVEL: 'ERROR' },
      },
    );
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    await eventually(
      async () => text,
      (t) => t.includes('Ctrl-C stops.') || child?.exitCode !== null,
      'the banner',
    );
    const exit = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await exit;
    return text;
  };

  it('runs the demo by default and names the pages', async () => {
    const text = await banner([]);
    expect(text).toMatch(/Demo\s+on/);
    expect(text).toMatch(/Pages\s+http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('starts empty with --no-demo', async () => {
    expect(await banner(['--no-demo'])).toMatch(/Demo\s+off/);
  });
});
