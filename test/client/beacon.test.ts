import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { BeaconSender, beatUrl, fetchBeaconGrant, type BeaconGrant } from '../../src/client/beacon.js';
import { ViewerClient, type WebSocketConstructor } from '../../src/client/viewer-client.js';
import { startLocalRuntime, type LocalRuntime } from '../../src/entrypoints/local/runtime.js';
import { api, eventually } from '../entrypoints/local-runtime-client.js';

const grant = (sessionId: string): BeaconGrant => ({ sessionId, token: 'tok_-1', url: '/beat', intervalMs: 5_000 });

describe('BeaconSender', () => {
  it('beats at once, then every intervalMs with a rising sequence; a new grant is a new session from 1; end sends e=1 once', () => {
    vi.useFakeTimers();
    try {
      const sent: string[] = [];
      const sender = new BeaconSender({ baseUrl: 'https://api.example.com', send: (u) => sent.push(u) });
      sender.start('c1', grant('s1'));
      vi.advanceTimersByTime(10_000);
      expect(sent).toEqual([1, 2, 3].map((q) => `https://api.example.com/beat?c=c1&s=s1&q=${q}&t=tok_-1`));
      sender.start('c1', grant('s2'));
      vi.advanceTimersByTime(5_000);
      expect(sent.slice(3)).toEqual([1, 2].map((q) => `https://api.example.com/beat?c=c1&s=s2&q=${q}&t=tok_-1`));
      sender.end();
      expect(sent.at(-1)).toBe('https://api.example.com/beat?c=c1&s=s2&q=3&t=tok_-1&e=1');
      vi.advanceTimersByTime(60_000);
      expect(sent).toHaveLength(6);
      expect(sender.sessionId).toBeNull();
      sender.end(); // already ended: nothing more
      expect(sent).toHaveLength(6);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an absolute grant URL (the beacon distribution) is used as is, the query escaped', () => {
    expect(beatUrl({ ...grant('a b'), url: 'https://d1.cloudfront.net/beat' }, 'c&1', 7, 'http://ignored')).toBe(
      'https://d1.cloudfront.net/beat?c=c%261&s=a+b&q=7&t=tok_-1',
    );
  });

  it('fetchBeaconGrant: null when the deployment has no beacon path (404), an error otherwise', async () => {
    const answer = (status: number) => async () => ({ ok: status < 300, status, json: async () => grant('x') });
    expect(await fetchBeaconGrant('http://api', 'c1', answer(404))).toBeNull();
    expect(await fetchBeaconGrant('http://api', 'c1', answer(200))).toEqual(grant('x'));
    await expect(fetchBeaconGrant('http://api', 'c1', answer(503))).rejects.toThrow(/503/);
  });
});

/** The reference client against a running local runtime: its join answer's grant, beacons over HTTP, counted. */
describe('ViewerClient beacons through the local runtime', { timeout: 60_000 }, () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    // A long TTL: a viewer that drops out within 20 s can only have been ended by its end beacon.
    runtime = await startLocalRuntime({
      port: 0,
      host: '127.0.0.1',
      progressIntervalMs: 0,
      logLevel: 'SILENT',
      presenceTtlSeconds: 60,
    });
    await api(runtime, 'POST', '/api/channels', { channelId: 'bc1', title: 'B', currency: 'KRW' }, { as: 'seller' });
    await api(runtime, 'POST', '/api/channels/bc1/start', undefined, { as: 'seller' });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('two viewers beat with their grants and are counted; one closes and its end beacon drops it at once', async () => {
    const viewer = () =>
      new ViewerClient({
        httpUrl: runtime.url,
        wsUrl: runtime.wsUrl,
        channelId: 'bc1',
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      });
    const [a, b] = [viewer(), viewer()];
    await Promise.all([a.connect(), b.connect()]);
    expect(a.beaconSession).toMatch(/^b-/);
    expect(b.beaconSession).not.toBe(a.beaconSession);
    const count = async () =>
      (await api(runtime, 'GET', '/api/channels/bc1')).body?.['view']?.['viewerCount'] as number;
    expect(await eventually(count, (c) => c === 2, 15_000)).toBe(2);
    b.close();
    expect(b.beaconSession).toBeNull();
    // Not the TTL (60 s after its last beat): the end beacon, through router and aggregator.
    expect(await eventually(count, (c) => c === 1, 20_000)).toBe(1);
    a.close();
    expect(await eventually(count, (c) => c === 0, 20_000)).toBe(0);
  });
});
