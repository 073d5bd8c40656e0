import { describe, expect, it, vi } from 'vitest';
import { noActivity } from '../../../src/adapters/local/batch-handler.js';
import type { StreamEventSource } from '../../../src/adapters/local/stream-event-source.js';
import { mirrored } from '../../../src/adapters/local/pollers/mirrored-event-source.js';
import { until } from '../../support/until.js';

const fakeSource = () => {
  const state = { started: 0, stopped: 0 };
  const source = {
    start: () => void state.started++,
    stop: async () => void state.stopped++,
    stats: () => ({ ...noActivity(), backlog: 0 }),
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
    await until('the event source to start', () => state.started === 1);
    expect(mirror.calls).toBe(3);
    expect(errors.map((e) => (e as Error).message)).toEqual(['ListShards refused (1)', 'ListShards refused (2)']);
    expect(running.isIdle()).toBe(true);
    await running.stop();
    expect(state.stopped).toBe(1);
  });

  it('stops while it is still retrying without waiting out the back-off, and never starts the source', async () => {
    // Fake time: the back-off is read from the clock, so whether stop() waits it out is decided, not raced.
    vi.useFakeTimers();
    try {
      const mirror = flakyMirror(Number.POSITIVE_INFINITY);
      const { state, source } = fakeSource();
      const running = mirrored(
        'feed',
        mirror,
        () => source,
        () => undefined,
      );
      running.start();
      // The first back-off is 200 ms: the second start has failed, the next try is 400 ms away.
      await vi.advanceTimersByTimeAsync(250);
      expect(mirror.calls).toBe(2);
      let stopped = false;
      const stopping = running.stop().then(() => void (stopped = true));
      // One tick of the back-off's 50 ms wait, far short of the 400 ms back-off.
      await vi.advanceTimersByTimeAsync(50);
      expect(stopped).toBe(true);
      await stopping;
      expect(mirror.calls).toBe(2);
      expect(state.started).toBe(0);
      expect(running.isIdle()).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
