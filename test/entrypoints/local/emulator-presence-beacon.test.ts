import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorBackend } from '../../../src/entrypoints/local/emulator-backend.js';
import { startLocalRuntime, type LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';
import { api, eventually } from '../local-runtime-client.js';

/**
 * The beacon path over the emulators (presence stream on kinesalite, packed buckets on DynamoDB
 * Local), from outside: real HTTP `/beat` requests with duplicates, and the whole runtime
 * stopped and started again mid-run (a cold aggregator that rebuilds from the buckets, a mirror
 * that re-reads the stream from its start). The count — the channel snapshot's viewerCount and
 * the stored VIEWER_COUNT_CHANGED events — neither dips nor jumps across the restart, and drops
 * by exactly the players that stop, within the TTL.
 */
const PLAYERS = 20;
const STOPPING = 5;
const TTL_S = 10;
const CHANNEL = uniqueName('beacon');
const suffix = `-${uniqueName('beacon')}`;

const { endpoints } = emulatorClients();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const start = () =>
  startLocalRuntime({
    port: 0,
    host: '127.0.0.1',
    progressIntervalMs: 0,
    logLevel: 'SILENT',
    presenceTtlSeconds: TTL_S,
    backend: 'emulators-under-test',
    // The emulators of this test run, shared (the global setup started them); resources named with the suffix.
    backends: {
      'emulators-under-test': createEmulatorBackend({ endpoints, suffix }),
    },
  });

describe('beacon presence over the emulators, across a restart of the runtime', { timeout: 150_000 }, () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await start();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('exact before and after the restart, no dip or jump; the stopped players drop out within the TTL', async () => {
    expect(
      (
        await api(
          runtime,
          'POST',
          '/api/channels',
          { channelId: CHANNEL, title: 'B', currency: 'KRW' },
          { as: 'seller-b' },
        )
      ).status,
    ).toBeLessThan(300);
    expect(
      (await api(runtime, 'POST', `/api/channels/${CHANNEL}/start`, undefined, { as: 'seller-b' })).status,
    ).toBeLessThan(300);
    const grants: Array<{ sessionId: string; token: string }> = [];
    for (let i = 0; i < PLAYERS; i++)
      grants.push(
        (await api(runtime, 'GET', `/api/channels/${CHANNEL}/beacon`)).body as { sessionId: string; token: string },
      );

    let paused = false;
    let running = true;
    const stopped = new Set<number>();
    const players = grants.map(async (g, i) => {
      await sleep(i * 50);
      for (let q = 1; running && !stopped.has(i); q++) {
        if (!paused) {
          const url = `${runtime.url}/beat?c=${CHANNEL}&s=${g.sessionId}&q=${q}&t=${g.token}`;
          // Every fourth beat twice (a retry), and the previous sequence again after it (late).
          const sends = [fetch(url), ...(q % 4 === 0 ? [fetch(url), fetch(url.replace(`q=${q}`, `q=${q - 1}`))] : [])];
          await Promise.all(sends.map((p) => p.then((r) => r.arrayBuffer()).catch(() => undefined)));
        }
        await sleep(1_000);
      }
    });
    const viewerCount = async () =>
      ((await api(runtime, 'GET', `/api/channels/${CHANNEL}`)).body?.['view']?.['viewerCount'] as number | undefined) ??
      -1;
    const counts = async () => {
      const page = await api(runtime, 'GET', `/api/streams/channel-${CHANNEL}/events?after=0&limit=1000`);
      return (page.body?.['items'] as Array<{ eventType: string; data: { count: number } }>)
        .filter((i) => i.eventType === 'VIEWER_COUNT_CHANGED')
        .map((i) => i.data.count);
    };

    expect(await eventually(viewerCount, (c) => c === PLAYERS, 40_000)).toBe(PLAYERS);
    await sleep(2_000);
    const before = await counts();
    expect(before.at(-1)).toBe(PLAYERS);

    // Restart: players keep their tokens and sessions (a beat or two lost while no runtime listens, well within the TTL).
    paused = true;
    await runtime.stop();
    runtime = await start();
    paused = false;
    await sleep(6_000);
    expect(await viewerCount()).toBe(PLAYERS);
    // Nothing published since: the cold aggregator rebuilt the same count from the buckets.
    expect(await counts()).toEqual(before);

    for (let i = 0; i < STOPPING; i++) stopped.add(i);
    expect(await eventually(viewerCount, (c) => c === PLAYERS - STOPPING, (TTL_S + 10) * 1_000)).toBe(
      PLAYERS - STOPPING,
    );
    running = false;
    await Promise.all(players);
    const after = await counts();
    expect(after.every((c) => c <= PLAYERS)).toBe(true);
    expect(after.at(-1)).toBe(PLAYERS - STOPPING);
  });
});
