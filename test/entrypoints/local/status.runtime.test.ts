import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUCTION_TOKENS } from '../../../src/entrypoints/local/auction.feature.js';
import { startLocalRuntime, type LocalRuntime, type LocalStatus } from '../../../src/entrypoints/local/runtime.js';

describe('GET /api/status (local runtime): per-stage backlog and DLQ depth', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, progressIntervalMs: 0, logLevel: 'ERROR' });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  const status = async (): Promise<LocalStatus> => {
    // No token: anyone who can reach the local runtime may read it, like /api/health.
    const response = await fetch(`${runtime.url}/api/status`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return (await response.json()) as LocalStatus;
  };

  it('lists every stage the progress line does, with records, backlog and dlq', async () => {
    const body = await status();
    expect(body.status).toBe('ok');
    expect(body.connections).toMatchObject({ websocket: 0, posts: 0 });
    // No request spike yet: the booking consumer has not waited for the edge.
    expect(body.heldForEdgeMs).toBe(0);
    expect(body.stages.map((s) => s.name).sort()).toEqual(runtime.eventSources.map((s) => s.name).sort());
    for (const stage of body.stages)
      expect(stage).toEqual({
        name: stage.name,
        records: expect.any(Number),
        invocations: expect.any(Number),
        backlog: 0,
        dlq: 0,
        failedInvocations: 0,
      });
  });

  it("shows a queue's waiting messages as its backlog and its dead letters as its dlq", async () => {
    const queue = runtime.container.get(LOCAL_AUCTION_TOKENS.SchedulerQueue);
    // A close message for an hour from now waits (delayed); a dead letter sits in the DLQ.
    queue.sendRaw(JSON.stringify({ auctionId: 'a1', channelId: 'c1', endsAt: Date.now() + 3_600_000, hop: 1 }), {
      delaySeconds: 900,
    });
    queue.deadLetterQueue?.sendRaw('{"not":"a close message"}');
    const stage = (await status()).stages.find((s) => s.name === 'auction-close');
    expect(stage).toMatchObject({ backlog: 1, dlq: 1 });
    expect(runtime.progress()).toMatch(/auction-close \d+rec\/\d+inv backlog=1 .*dlq=1/);
  });
});
