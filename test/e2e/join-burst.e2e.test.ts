import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalRuntime } from '../../src/entrypoints/local/runtime.js';
import { api, startQuietRuntime } from '../entrypoints/local-runtime-client.js';
import { until } from '../support/until.js';

const SOCKETS = 1_000;
/** Every fifth socket vanishes without a close frame right after sending its join. */
const VANISHING = SOCKETS / 5;

interface Frame {
  readonly type: string;
  readonly shardNo?: number;
  readonly items?: ReadonlyArray<{ readonly kind: string; readonly eventType?: string; readonly version?: number }>;
}

interface Status {
  readonly connections: { readonly websocket: number; readonly joined?: number };
}

/**
 * A join storm seen only through the documented interface (WebSocket frames, HTTP): 1,000
 * sockets opened in one turn of the client, each joining the same channel the moment it opens;
 * a fifth of them drop dead (TCP reset, no close frame) right after sending their join, some
 * before their `joined` frame. Every survivor must be answered `joined`, the dead ones must be
 * forgotten, and the next channel event must reach every survivor exactly once.
 */
describe('join storm from the outside (memory backend)', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    // Small shards, so the burst spreads over many of them.
    runtime = await startQuietRuntime({ extensions: [], logLevel: 'ERROR', shardSize: 50 });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  const seller = { as: 'storm-seller' };
  const http = (method: string, path: string, body?: unknown) => api(runtime, method, path, body, seller);

  it('answers every surviving socket joined, forgets the vanished ones, and delivers the next event once to each', async () => {
    expect((await http('POST', '/api/channels', { channelId: 'storm', title: 'Storm', currency: 'KRW' })).status).toBe(
      201,
    );
    expect((await http('POST', '/api/channels/storm/start', {})).status).toBeLessThan(300);
    const product = { productId: 'p1', name: 'Coat', category: 'fashion', price: 10_000, currency: 'KRW' };
    expect((await http('POST', '/api/channels/storm/products', product)).status).toBe(201);

    const sockets = Array.from({ length: SOCKETS }, (_, i) => {
      const socket = new WebSocket(runtime.wsUrl);
      const frames: Frame[] = [];
      const vanishes = i % 5 === 0;
      socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
      socket.on('error', () => undefined);
      socket.on('open', () => {
        socket.send(JSON.stringify({ action: 'join', channelId: 'storm' }));
        if (vanishes) socket.terminate();
      });
      return { socket, frames, vanishes };
    });
    const survivors = sockets.filter((s) => !s.vanishes);
    expect(survivors).toHaveLength(SOCKETS - VANISHING);

    await until(
      'every surviving socket to be joined',
      () => survivors.every((s) => s.frames.some((f) => f.type === 'joined')),
      60_000,
      50,
    );
    const shards = new Set(survivors.map((s) => s.frames.find((f) => f.type === 'joined')?.shardNo));
    expect(shards.size).toBeGreaterThanOrEqual((SOCKETS - VANISHING) / 50);
    // The server forgets the vanished sockets ($disconnect on the reset): exactly the survivors stay joined.
    await until(
      'the vanished sockets to be forgotten',
      async () => {
        const status = (await (await fetch(`${runtime.url}/api/status`)).json()) as Status;
        return (
          status.connections.joined === SOCKETS - VANISHING && status.connections.websocket === SOCKETS - VANISHING
        );
      },
      30_000,
      50,
    );

    // One price change: every survivor receives it exactly once.
    const changed = await http('PUT', '/api/channels/storm/products/p1/price', { price: 12_345, currency: 'KRW' });
    expect(changed.status).toBeLessThan(300);
    const priceItems = (s: (typeof survivors)[number]) =>
      s.frames
        .flatMap((f) => (f.type === 'feed' ? (f.items ?? []) : []))
        .filter((i) => i.eventType === 'PRICE_UPDATED');
    await until(
      'every survivor to receive the price change',
      () => survivors.every((s) => priceItems(s).length >= 1),
      30_000,
      50,
    );
    // Give a duplicate time to show up before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(survivors.filter((s) => priceItems(s).length !== 1)).toHaveLength(0);
    // No frame of any kind but joined/feed, no error frame.
    expect(survivors.flatMap((s) => s.frames.filter((f) => f.type !== 'joined' && f.type !== 'feed'))).toEqual([]);

    for (const s of survivors) s.socket.close();
    await until(
      'every socket to be forgotten after the viewers leave',
      async () => ((await (await fetch(`${runtime.url}/api/status`)).json()) as Status).connections.joined === 0,
      30_000,
      50,
    );
  });
});
