import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BEACON_TOKENS } from '../../../src/entrypoints/composition/presence-beacon.module.js';
import { startLocalRuntime, type LocalRuntime } from '../../../src/entrypoints/local/runtime.js';

/**
 * The beacon presence path from outside, with hostile timing: real HTTP `/beat` requests to a
 * running local runtime (the CloudFront stand-in) from players that jitter, send duplicates and
 * out-of-order beats, beat with forged tokens, stop, while the aggregator goes cold mid-run.
 * The count is read where viewers read it: VIEWER_COUNT_CHANGED on the WebSocket, and the
 * channel's events over the recovery route (each stored count, with when it was stored).
 */
const CHANNEL = 'beacon-room';
const PLAYERS = 40;
const STOPPING = 10;
const TTL_S = 5;
const BEAT_MS = 1_000;

interface Grant {
  sessionId: string;
  token: string;
  url: string;
  intervalMs: number;
}

interface CountEvent {
  version: number;
  occurredAt: number;
  count: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('beacon presence through a running local runtime (HTTP /beat, hostile timing)', { timeout: 90_000 }, () => {
  let runtime: LocalRuntime;
  let watcher: WebSocket;
  const seen: number[] = [];
  let joined: Record<string, unknown> | undefined;

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${runtime.url}${path}`, init);
    return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>) };
  };

  const beat = async (grant: Grant, sequence: number, token = grant.token, method = 'GET', end = false) => {
    const query = new URLSearchParams({
      c: CHANNEL,
      s: grant.sessionId,
      q: String(sequence),
      t: token,
      ...(end ? { e: '1' } : {}),
    });
    const res = await fetch(`${runtime.url}${grant.url}?${query.toString()}`, { method });
    await res.arrayBuffer();
    return res.status;
  };

  const storedCounts = async (): Promise<CountEvent[]> => {
    const out: CountEvent[] = [];
    for (let after = 0; ;) {
      const page = (await api(`/api/streams/channel-${CHANNEL}/events?after=${after}`)).body as {
        items: Array<{ eventType: string; version: number; occurredAt: number; data: { count: number } }>;
        hasMore: boolean;
      };
      for (const item of page.items)
        if (item.eventType === 'VIEWER_COUNT_CHANGED')
          out.push({ version: item.version, occurredAt: item.occurredAt, count: item.data.count });
      if (!page.hasMore || page.items.length === 0) break;
      after = page.items.at(-1)!.version;
    }
    return out;
  };

  /** Waits until the count viewers last saw equals `expected` (a loose "not stalled" bound). */
  const countReaches = async (expected: number, withinMs: number): Promise<number> => {
    const start = Date.now();
    while (Date.now() - start < withinMs) {
      if (seen.at(-1) === expected) return Date.now() - start;
      await sleep(100);
    }
    throw new Error(`count did not reach ${expected} within ${withinMs} ms; seen ${JSON.stringify(seen.slice(-10))}`);
  };

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      port: 0,
      progressIntervalMs: 0,
      logLevel: 'ERROR',
      presenceTtlSeconds: TTL_S,
      demo: false,
    });
    const { token } = await runtime.devTokens.issue('seller-beacon');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect(
      (
        await api('/api/channels', {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ channelId: CHANNEL, title: 'Beacons', currency: 'KRW' }),
        })
      ).status,
    ).toBeLessThan(300);
    expect((await api(`/api/channels/${CHANNEL}/start`, { method: 'POST', headers: auth })).status).toBeLessThan(300);
    watcher = new WebSocket(runtime.wsUrl);
    await new Promise((resolve, reject) => {
      watcher.once('open', resolve);
      watcher.once('error', reject);
    });
    watcher.on('message', (data) => {
      const frame = JSON.parse(String(data)) as {
        type: string;
        items?: Array<{ kind: string; eventType?: string; data?: { count: number } }>;
      };
      if (frame.type === 'joined') joined = frame;
      for (const item of frame.items ?? [])
        if (item.kind === 'event' && item.eventType === 'VIEWER_COUNT_CHANGED') seen.push(item.data!.count);
    });
    watcher.send(JSON.stringify({ action: 'join', channelId: CHANNEL }));
    while (!joined) await sleep(20);
  });

  afterAll(async () => {
    watcher?.terminate();
    await runtime?.stop();
  });

  it('the join answers carry a beacon grant; /beat answers 204 to anything, as the edge does', async () => {
    const beacon = joined?.['beacon'] as Grant;
    expect(beacon).toMatchObject({ url: '/beat', intervalMs: 5_000, token: expect.stringMatching(/^[\w-]{22}$/) });
    const http = (await api(`/api/channels/${CHANNEL}/beacon`)).body as unknown as Grant;
    expect(http.sessionId).not.toBe(beacon.sessionId);
    // Garbage, a forged token, a POST without query, a bad channel id: 204 each, and none counts.
    expect((await fetch(`${runtime.url}/beat?junk=1`)).status).toBe(204);
    expect(await beat(http, 1, 'AAAAAAAAAAAAAAAAAAAAAA')).toBe(204);
    expect((await fetch(`${runtime.url}/beat`, { method: 'POST', body: 'x' })).status).toBe(204);
    expect((await fetch(`${runtime.url}/beat?c=${'x'.repeat(300)}&s=a&q=1&t=b`)).status).toBe(204);
    expect((await api('/api/channels/not%20an%20id/beacon')).status).toBe(400);
  });

  it('exact under jitter, duplicates, reordering and a cold aggregator; the stopped players drop out within the TTL', async () => {
    const grants: Grant[] = [];
    for (let i = 0; i < PLAYERS; i++)
      grants.push((await api(`/api/channels/${CHANNEL}/beacon`)).body as unknown as Grant);
    // A player with a forged token beats all along: it must never count.
    const forger = { ...grants[0]!, sessionId: 'forged-session' };
    const stopped = new Set<number>();
    let running = true;
    let random = 7;
    const rnd = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const players = grants.map(async (grant, i) => {
      let sequence = 0;
      await sleep(rnd() * BEAT_MS);
      while (running && !stopped.has(i)) {
        sequence += 1;
        const r = rnd();
        if (r < 0.15) {
          // Reordered: the next beat overtakes this one; the late one (older sequence) must change nothing.
          await beat(grant, sequence + 1, grant.token, 'POST');
          await beat(grant, sequence);
          sequence += 1;
        } else if (r < 0.3) {
          // Duplicated, concurrently (a retrying browser).
          await Promise.all([beat(grant, sequence), beat(grant, sequence)]);
        } else await beat(grant, sequence);
        await sleep(BEAT_MS * (0.6 + 0.8 * rnd()));
      }
    });
    const forging = (async () => {
      for (let q = 1; running; q++) {
        await beat(forger, q);
        await sleep(BEAT_MS);
      }
    })();

    await countReaches(PLAYERS, 20_000);
    // Steady state: exact, through a cold start of the aggregator (its memory forgotten: it rebuilds from the buckets).
    const steadyFrom = seen.length - 1;
    runtime.container.get(BEACON_TOKENS.Aggregator).forget();
    // Forged end beacons for real sessions (someone else's session, a wrong token) end nobody.
    for (const g of grants.slice(20, 25)) await beat(g, 1_000_000, 'AAAAAAAAAAAAAAAAAAAAAA', 'POST', true);
    await sleep(4_000);
    expect(seen.slice(steadyFrom)).toEqual([PLAYERS]);
    expect(seen.every((c) => c <= PLAYERS)).toBe(true);

    // k players stop: the count drops by exactly k, within the TTL (+ the 1 s batching window and the 1 s publish limit).
    const stoppedAt = Date.now();
    for (let i = 0; i < STOPPING; i++) stopped.add(i);
    await countReaches(PLAYERS - STOPPING, (TTL_S + 6) * 1_000);
    const dropMs = Date.now() - stoppedAt;
    await sleep(2_000);
    expect(seen.at(-1)).toBe(PLAYERS - STOPPING);
    expect(dropMs).toBeGreaterThan((TTL_S - 2) * 1_000); // not before the TTL: a stopped player still counts until then

    running = false;
    await Promise.all([...players, forging]);

    // VIEWER_COUNT_CHANGED as stored: only on change, at most once a second per channel.
    const counts = await storedCounts();
    expect(counts.length).toBeGreaterThan(1);
    for (let i = 1; i < counts.length; i++) {
      expect(counts[i]!.count).not.toBe(counts[i - 1]!.count);
      expect(counts[i]!.occurredAt - counts[i - 1]!.occurredAt).toBeGreaterThanOrEqual(1_000);
    }
    expect(counts.every((c) => c.count <= PLAYERS)).toBe(true);
  });
});
