import { describe, expect, it } from 'vitest';
import type { StreamEventSource } from '../../../src/adapters/local/stream-event-source.js';
import { mirrored } from '../../../src/adapters/local/pollers/mirrored-event-source.js';

const fakeSource = () => {
  const state = { started: 0, stopped: 0 };
  const source = {
    start: () => void state.started++,
    stop: async () => void state.stopped++,
    stats: () => ({
      invocations: 0,
      records: 0,
      failedInvocations: 0,
      injectedCrashes: 0,
      injectedDuplicates: 0,
      discarded: 0,
      backlog: 0,
    }),
    isIdle: () => true,
  } as unknown as StreamEventSource<unknown, unknown>;
  return { state, source };
};

const flakyMirror = (failures: number) => {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    start: async () => {
      calls++;
      if (calls <= failures) throw new Error(`ListShards refused (${calls})`);
    },
    stop: async () => undefined,
    caughtUp: () => true,
  };
};

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('mirrored event source (emulator pollers)', () => {
  it('retries a mirror that cannot start yet, then starts the event source over it', async () => {
    const mirror = flakyMirror(2);
    const { state, source } = fakeSource();
    const errors: unknown[] = [];
    const running = mirrored(
      'feed',
      mirror,
      () => source,
      (e) => errors.push(e),
    );
    running.start();
    await until(() => state.started === 1);
    expect(mirror.calls).toBe(3);
    expect(errors.map((e) => (e as Error).message)).toEqual(['ListShards refused (1)', 'ListShards refused (2)']);
    expect(running.isIdle()).toBe(true);
    await running.stop();
    expect(state.stopped).toBe(1);
  });

  it('stops promptly while it is still retrying, and never starts the source', async () => {
    const mirror = flakyMirror(Number.POSITIVE_INFINITY);
    const { state, source } = fakeSource();
    const running = mirrored(
      'feed',
      mirror,
      () => source,
      () => undefined,
    );
    running.start();
    await until(() => mirror.calls >= 2);
    const stopping = Date.now();
    await running.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(state.started).toBe(0);
    expect(running.isIdle()).toBe(false);
  });
});
