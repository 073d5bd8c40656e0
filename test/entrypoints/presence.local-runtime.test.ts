import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../src/entrypoints/local/runtime.js';
import { api, connect, eventually, startQuietRuntime } from './local-runtime-client.js';

describe('presence in the local runtime (npm start)', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startQuietRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  const viewerCount = async (channelId: string) =>
    (await api(runtime, 'GET', `/api/channels/${channelId}`)).body?.view?.viewerCount as number;

  it('counts a WebSocket viewer and an HTTP viewer, and drops the WebSocket one as soon as it disconnects', async () => {
    const created = await api(
      runtime,
      'POST',
      '/api/channels',
      { channelId: 'presence-e2e', title: 'Presence', currency: 'KRW' },
      { as: 'seller-1' },
    );
    expect(created.status).toBe(201);
    expect((await api(runtime, 'POST', '/api/channels/presence-e2e/start', undefined, { as: 'seller-1' })).status).toBe(
      200,
    );

    const viewer = await connect(runtime);
    viewer.send({ action: 'heartbeat', channelId: 'presence-e2e', sessionId: 'ws-session', sequence: 0 });
    const http = await api(
      runtime,
      'POST',
      '/api/channels/presence-e2e/heartbeats',
      { sessionId: 'http-session', sequence: 0 },
      { as: 'http-viewer' },
    );
    expect(http.status).toBe(202);
    expect(
      await eventually(
        () => viewerCount('presence-e2e'),
        (c) => c === 2,
      ),
    ).toBe(2);

    await viewer.close();
    expect(
      await eventually(
        () => viewerCount('presence-e2e'),
        (c) => c === 1,
      ),
    ).toBe(1);
    expect(viewer.frames.filter((f) => f.type === 'error')).toEqual([]);
  });

  it('answers a malformed heartbeat frame with an error frame naming the field, and a bad HTTP beat with 400', async () => {
    const viewer = await connect(runtime);
    viewer.send({ action: 'heartbeat', channelId: 'presence-e2e', sessionId: 'x', sequence: -1 });
    const frames = await eventually(
      async () => viewer.frames,
      (f) => f.length > 0,
    );
    expect(frames[0]).toMatchObject({ type: 'error', code: 'INVALID_FRAME', field: 'sequence' });
    await viewer.close();

    const bad = await api(
      runtime,
      'POST',
      '/api/channels/presence-e2e/heartbeats',
      { sessionId: 'http-session', sequence: 'one' },
      { as: 'http-viewer' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body?.error).toMatchObject({ field: 'sequence' });
  });
});
