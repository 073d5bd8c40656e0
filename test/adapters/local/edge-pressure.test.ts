import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { EdgePressure } from '../../../src/adapters/local/edge-pressure.js';
import { QueueEventSource } from '../../../src/adapters/local/queue-event-source.js';

/** Keeps the event loop busy for `ms` (what a burst of requests does to it). */
const burn = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* busy */
  }
};

const tick = () => new Promise((r) => setImmediate(r));

describe('EdgePressure: the HTTP edge first during a spike', () => {
  it('is quiet without requests, however busy the loop is (a consumer draining alone runs flat out)', async () => {
    const edge = new EdgePressure({ checkEveryMs: 0 });
    burn(30);
    expect(edge.busy()).toBe(false);
    // A quiet edge holds nobody back, and counts no time held.
    await edge.pace();
    expect(edge.totalDeferredMs).toBe(0);
  });

  it('is busy while requests arrive and the loop is saturated, quiet again once they stop', async () => {
    const edge = new EdgePressure({ recentMs: 20, checkEveryMs: 0 });
    edge.requestArrived();
    burn(30);
    edge.requestArrived();
    expect(edge.busy()).toBe(true);
    // Requests stop: past recentMs the consumer may run even if the loop was busy.
    await new Promise((r) => setTimeout(r, 40));
    expect(edge.busy()).toBe(false);
  });

  it('is quiet when requests arrive on an idle loop (a trickle of requests does not hold the consumer)', async () => {
    const edge = new EdgePressure({ recentMs: 1_000, checkEveryMs: 0 });
    await new Promise((r) => setTimeout(r, 30));
    edge.requestArrived();
    expect(edge.busy()).toBe(false);
  });

  it('defers a paced consumer at most maxDeferMs, even under a flood that never stops', async () => {
    const edge = new EdgePressure({ maxDeferMs: 60, checkEveryMs: 5 });
    // A flood: every turn of the loop a request arrives and burns the loop.
    let flooding = true;
    const flood = (async () => {
      while (flooding) {
        edge.requestArrived();
        burn(8);
        await tick();
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    await edge.pace();
    const waited = performance.now() - started;
    flooding = false;
    await flood;
    expect(waited).toBeGreaterThanOrEqual(55);
    expect(edge.totalDeferredMs).toBeGreaterThanOrEqual(55);
  });

  it('a queue event source awaits pace() before each receive, and its messages wait meanwhile', async () => {
    const queue = new InMemoryQueue<number>({ visibilityTimeoutMs: 1_000 });
    await queue.send([1, 2, 3].map((body) => ({ body })));
    let release: () => void = () => undefined;
    let gate = new Promise<void>((r) => (release = r));
    let paces = 0;
    const seen: number[] = [];
    const source = new QueueEventSource(
      queue,
      async (event: SQSEvent) => {
        for (const r of event.Records) seen.push(JSON.parse(r.body) as number);
      },
      {
        name: 'paced',
        batchSize: 1,
        concurrency: 1,
        pace: async () => {
          paces++;
          await gate;
        },
      },
    );
    source.start();
    await new Promise((r) => setTimeout(r, 20));
    // Held before its first receive: nothing taken, nothing in flight.
    expect(seen).toEqual([]);
    expect(queue.counts().inFlight).toBe(0);
    release();
    while (seen.length < 3) await new Promise((r) => setTimeout(r, 2));
    gate = new Promise<void>((r) => (release = r));
    release();
    await source.stop();
    expect(seen).toEqual([1, 2, 3]);
    expect(paces).toBeGreaterThanOrEqual(3);
  });
});
