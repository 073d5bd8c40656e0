import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryPresenceBucketStore } from '../../src/adapters/in-memory/presence-bucket-store-adapter-in-memory.js';
import { InMemoryPresenceStream } from '../../src/adapters/in-memory/presence-stream-adapter-in-memory.js';
import { checkPresence, NOTICE_MS, report } from './presence-checks.js';
import { beaconPlan, simulateBeacon, TEN_THOUSAND, type BeaconBackends } from './presence-beacon-simulation.js';
import { inMemoryShardSource } from './presence-shard-source.js';

/** The in-memory twins of the bucket items and the presence stream (4 shards: sub-partitions of a channel on their own shards). */
const twins = (clock = { now: () => Date.now() }): BeaconBackends & { buckets: InMemoryPresenceBucketStore } => {
  const stream = new InMemoryPresenceStream({ shardCount: 4, clock });
  return { buckets: new InMemoryPresenceBucketStore(), stream, source: inMemoryShardSource(stream) };
};

describe('presence accuracy on the beacon path (edge log → beat-router → presence stream → aggregator), in memory', () => {
  it('10,000 players, one channel: exactly 10,000 through a cold restart and stale instances; 9,000 within the TTL after 1,000 stop', async () => {
    const p = beaconPlan(TEN_THOUSAND);
    const backends = twins();
    const started = performance.now();
    const result = await simulateBeacon(p, backends);
    const drop = await checkPresence(p, result);
    report('beacon, 10,000 players, 1,000 stop', drop);
    // Some of the 1,000 beat just before they stopped: the drop comes within the TTL of that last beat, plus the time to notice.
    expect(drop.droppedAfterLastBeatMs).toBeLessThanOrEqual(drop.ttlMs + NOTICE_MS);
    // The restart made the cold instances load from the buckets, and stale instances were refused and reloaded.
    expect(backends.buckets.operations.loads).toBeGreaterThan(3);
    console.info(
      `[presence] beacon, 10,000 players: ${result.beatsSent} beats in ${Math.round(performance.now() - started)} ms; store ops ${JSON.stringify(backends.buckets.operations)}`,
    );
  });

  it('a channel everyone leaves drops to 0 with no beat left to trigger a count (ticks on the stream)', async () => {
    const p = beaconPlan({ players: 40, stopping: 40, steadyMs: 10_000 });
    const result = await simulateBeacon(p, twins());
    await checkPresence(p, result);
    expect(result.after.at(-1)?.published).toBe(0);
  });

  it('forged tokens and beats for another session are dropped by the router', async () => {
    const backends = twins();
    const { beaconWorld, CHANNEL } = await import('./presence-beacon-simulation.js');
    const world = beaconWorld({ seed: 3, backends, layout: { subPartitions: 3, buckets: 2 }, instances: 1 });
    await world.openChannel();
    const good = world.tokens.issue(CHANNEL, 'viewer-a');
    const t = (world.clock.now() / 1000).toFixed(3);
    await world.route([
      `${t}\tGET\t/beat\tc=${CHANNEL}&s=viewer-a&q=1&t=${good}`,
      `${t}\tGET\t/beat\tc=${CHANNEL}&s=viewer-b&q=1&t=${good}`, // a's token for b
      `${t}\tGET\t/beat\tc=${CHANNEL}&s=viewer-c&q=1&t=AAAAAAAAAAAAAAAAAAAAAA`,
      `${t}\tGET\t/beat\tc=${CHANNEL}&s=viewer-d&q=-1&t=${good}`,
      'garbage',
    ]);
    world.clock.advance(1_000);
    await world.pollAggregator(100);
    expect(await world.publishedCount()).toBe(1);
    expect(await world.storedCount(world.clock.now())).toBe(1);
  });

  it('property: random schedules, batch splits, stale and restarted consumers ⇒ exact after warm-up, drops by k within the TTL (60 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          players: fc.integer({ min: 1, max: 40 }),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
          jitterMs: fc.integer({ min: 0, max: 1_000 }),
          duplicateRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
          lateRate: fc.double({ min: 0, max: 0.6, noNaN: true }),
          lateMaxSeconds: fc.integer({ min: 1, max: 5 }),
          pollMaxMs: fc.integer({ min: 200, max: 2_000 }),
          stoppingShare: fc.double({ min: 0, max: 1, noNaN: true }),
          subPartitions: fc.integer({ min: 1, max: 4 }),
          buckets: fc.integer({ min: 1, max: 3 }),
          instances: fc.integer({ min: 1, max: 2 }),
          maxBatch: fc.integer({ min: 1, max: 50 }),
          restartsAt: fc.array(fc.integer({ min: 1_000, max: 50_000 }), { maxLength: 3 }),
        }),
        async (r) => {
          const p = beaconPlan({
            players: r.players,
            seed: r.seed,
            jitterMs: r.jitterMs,
            duplicateRate: r.duplicateRate,
            lateRate: r.lateRate,
            lateMaxSeconds: r.lateMaxSeconds,
            pollMaxMs: r.pollMaxMs,
            stopping: Math.floor(r.stoppingShare * r.players),
            steadyMs: 20_000,
            afterMs: 22_000,
            layout: { subPartitions: r.subPartitions, buckets: r.buckets },
            instances: r.instances,
            maxBatch: r.maxBatch,
            restartsAt: r.restartsAt,
          });
          await checkPresence(p, await simulateBeacon(p, twins()));
        },
      ),
      { numRuns: 60 },
    );
  });
});
