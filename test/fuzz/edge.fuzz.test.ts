import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, fuzzWorld, outcomeLine, type FuzzWorld } from './fuzz-world.js';
import { fuzzSqsConsumer, fuzzStreamConsumers, SQS_TARGETS } from './consumers.fuzz.js';
import { fuzzDeadLetters } from './dlq.fuzz.js';
import { fuzzRoute, ROUTE_SPECS } from './http.fuzz.js';
import { FRAME_SPECS, fuzzConnect, fuzzFrames, openConnections } from './websocket.fuzz.js';

/** Inputs per HTTP route, per WebSocket action, for $connect. */
const HTTP_RUNS = 400;
const WS_RUNS = 700;
const CONNECT_RUNS = 600;
/** Batches per consumer (1..10 or 1..20 records each). */
const BATCH_RUNS = 250;
/** Queue scenarios per consumer (1..15 messages each, run until drained). */
const DLQ_RUNS = 60;
const MIN_TOTAL = 10_000;

describe('fuzz: garbage at every edge (G7)', () => {
  let world: FuzzWorld;
  beforeAll(async () => {
    world = await fuzzWorld();
  });

  afterAll(() => {
    const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
    const total = rows.reduce((n, [, c]) => n + c, 0);
    console.log(
      `fuzz inputs per target:\n${rows.map(([t, c]) => `  ${String(c).padStart(6)}  ${t.padEnd(62)} ${outcomeLine(t)}`).join('\n')}\n  ${String(total).padStart(6)}  total`,
    );
  });

  it('covers every HTTP route the router has', async () => {
    const { TOKENS } = await import('../../src/entrypoints/composition/tokens.js');
    expect(ROUTE_SPECS.map((r) => r.key).sort()).toEqual(world.container.get(TOKENS.HttpRouter).keys());
  });

  it.each(ROUTE_SPECS.map((r) => [r.key, r] as const))(
    'HTTP %s: no crash, no 5xx, refusals named and harmless',
    async (_, spec) => {
      await fuzzRoute(world, spec, HTTP_RUNS);
    },
  );

  it('covers every WebSocket action the registry has', async () => {
    const { TOKENS } = await import('../../src/entrypoints/composition/tokens.js');
    expect(
      Object.keys(FRAME_SPECS)
        .filter((a) => a !== 'envelope')
        .sort(),
    ).toEqual(world.container.get(TOKENS.WsActionRegistry).names());
  });

  it.each(Object.keys(FRAME_SPECS))(
    'WebSocket frames (%s): never a crash, every refusal an error frame with a code, and harmless',
    async (name) => {
      await fuzzFrames(world, await openConnections(world), name, WS_RUNS);
    },
  );

  it('WebSocket $connect with garbage, forged and altered tokens: only valid or absent tokens connect', async () => {
    await fuzzConnect(world, CONNECT_RUNS);
  });

  it.each(SQS_TARGETS.map((t) => [t.name, t] as const))(
    'queue consumer %s: never throws, garbage reported failed, failed batches harmless',
    async (_, target) => {
      await fuzzSqsConsumer(world, target, BATCH_RUNS);
    },
  );

  it('stream consumers (relay, fanout, recommend-consumer): stop at the first bad record and publish nothing from it', async () => {
    await fuzzStreamConsumers(world, BATCH_RUNS);
  });

  it('poison queue records end in the DLQ after the maximum receives while the rest keep flowing', async () => {
    await fuzzDeadLetters(world, DLQ_RUNS);
  });

  it(`ran at least ${MIN_TOTAL} inputs`, () => {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(MIN_TOTAL);
  });
});
