import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClientFor } from '../../../src/adapters/dynamodb/document-client.js';
import { DynamoDbPresenceBucketStore } from '../../../src/adapters/dynamodb/presence-bucket-store-adapter-dynamodb.js';
import { presenceTable } from '../../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../../src/adapters/dynamodb/table-provisioning.js';
import { KinesisPresenceStream } from '../../../src/adapters/kinesis/presence-stream-adapter-kinesis.js';
import { presenceShardOf } from '../../../src/adapters/kinesis/presence-stream-shards.js';
import { ensureStream } from '../../../src/adapters/kinesis/stream-provisioning.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';
import { checkPresence, NOTICE_MS, report } from '../../entrypoints/presence-checks.js';
import { beaconPlan, CHANNEL, simulateBeacon, TEN_THOUSAND } from '../../entrypoints/presence-beacon-simulation.js';
import { kinesisShardSource } from '../../entrypoints/presence-shard-source.js';
import { readStream } from '../../support/emulators/kinesis-support.js';

const SHARDS = 4;
const { dynamodb, kinesis } = emulatorClients();
const tableName = uniqueName('presence');
beforeAll(() => ensureTable(dynamodb, tableName, presenceTable));

/** The real adapters on DynamoDB Local and kinesalite, a fresh stream per run (the clock stays fake). */
const emulated = async () => {
  const streamName = uniqueName('presence');
  await ensureStream(kinesis, streamName, SHARDS);
  const sleeper = { sleep: async () => {}, random: Math.random };
  return {
    streamName,
    backends: {
      buckets: new DynamoDbPresenceBucketStore(documentClientFor(dynamodb), tableName, {
        clock: { now: () => Date.now() },
      }),
      stream: new KinesisPresenceStream(kinesis, streamName, { sleeper, shardCount: SHARDS }),
      source: kinesisShardSource(kinesis, streamName),
    },
  };
};

describe('presence accuracy on the beacon path over DynamoDB Local and kinesalite', () => {
  it('explicit hash keys put each sub-partition of a channel on its own shard', async () => {
    const { streamName, backends } = await emulated();
    await backends.stream.publish([0, 1, 2].map((k) => ({ kind: 'tick' as const, channelId: CHANNEL, k, at: 1 })));
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
    expect(Shards).toHaveLength(SHARDS);
    const source = kinesisShardSource(kinesis, streamName);
    const placed = [];
    for (let shard = 0; shard < SHARDS; shard++) {
      for (const r of await source.read(shard, 10, await source.mark(shard))) placed.push([r.partitionKey, shard]);
    }
    expect(placed.sort()).toEqual([0, 1, 2].map((k) => [`${CHANNEL}#${k}`, presenceShardOf(CHANNEL, k, SHARDS)]));
    expect(new Set(placed.map(([, shard]) => shard)).size).toBe(3);
    expect(await readStream(kinesis, streamName)).toHaveLength(3);
  });

  it('10,000 players, one channel: exact through a cold restart and stale instances; the drop after 1,000 stop within the TTL', async () => {
    const { backends } = await emulated();
    const p = beaconPlan({ ...TEN_THOUSAND, steadyMs: 10_000, afterMs: 22_000, seed: 23 });
    const started = performance.now();
    const result = await simulateBeacon(p, backends);
    const drop = await checkPresence(p, result);
    report('beacon on emulators, 10,000 players, 1,000 stop', drop);
    expect(drop.droppedAfterLastBeatMs).toBeLessThanOrEqual(drop.ttlMs + NOTICE_MS);
    console.info(
      `[presence] beacon on emulators: ${result.beatsSent} beats in ${Math.round(performance.now() - started)} ms`,
    );
  }, 300_000);
});
