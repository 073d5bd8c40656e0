import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal, type RunningEmulator } from '../../src/adapters/local/emulators/dynamodb-local.js';
import { startKinesalite } from '../../src/adapters/local/emulators/kinesalite-server.js';
import { intOption, type Benchmark, type BenchmarkResult, type Row } from '../lib/benchmark.js';
import { bundleWorker } from '../lib/bundle-worker.js';
import { ChildHandle, type Message } from '../lib/child-process.js';
import { ratio } from '../lib/stats.js';
import type { Params, WorkloadFigures } from './client.worker.js';

export const benchmark: Benchmark = {
  name: 'adapter-overhead',
  description:
    'Event-store appends/reads through the DynamoDB adapter vs raw PutItem/Query, and the Kinesis feed publisher vs raw PutRecords, on DynamoDB Local and kinesalite (same items, same concurrency)',
  async run(ctx): Promise<BenchmarkResult> {
    const p: Params = {
      ops: intOption(ctx, 'ops', 1_000),
      concurrency: intOption(ctx, 'concurrency', 16),
      rounds: intOption(ctx, 'rounds', 2),
      streamLength: intOption(ctx, 'stream-length', 10),
      batch: intOption(ctx, 'batch', 50),
      only: ctx.options['only'] ?? '',
    };
    ctx.progress('bundling the client worker…');
    const script = await bundleWorker(ctx.root, fileURLToPath(new URL('./client.worker.ts', import.meta.url)), {
      outName: 'adapter-overhead-client.mjs',
    });

    // The starters the tests use; each emulator is stopped by its own handle below.
    const emulators: RunningEmulator[] = [];
    let figures: WorkloadFigures[];
    try {
      ctx.progress('starting DynamoDB Local and kinesalite…');
      const [dynamodb, kinesis] = await Promise.all([
        startDynamoDbLocal({ cacheDir: join(ctx.root, '.emulators') }),
        startKinesalite(),
      ]);
      emulators.push(dynamodb, kinesis);
      ctx.log(
        `emulators up: DynamoDB Local in ${dynamodb.startMs} ms, kinesalite in ${kinesis.startMs} ms (kinesalite runs in the runner's process, the measured client in its own)`,
      );
      const child = ChildHandle.start({ script, label: 'adapter-overhead client', cwd: ctx.root });
      try {
        child.on('progress', (m) => ctx.progress(String(m.text)));
        await child.next('hello', 60_000);
        child.send({ type: 'run', endpoints: { dynamodb: dynamodb.endpoint, kinesis: kinesis.endpoint }, params: p });
        figures = (await child.next<Message & { figures: WorkloadFigures[] }>('figures', 900_000)).figures;
      } finally {
        await child.stop(5_000, 2_000);
      }
    } finally {
      await Promise.allSettled(emulators.map((e) => e.stop()));
    }

    const rows: Row[] = figures.map((f) => ({
      subject: `${f.workload} — ${f.subject === 'adapter' ? 'Stampede adapter' : 'raw SDK'}`,
      role: f.subject === 'adapter' ? 'stampede' : 'baseline',
      values: {
        opsPerSecond: f.opsPerSecond,
        itemsPerSecond: f.opsPerSecond * f.itemsPerOp,
        p50: f.p50,
        p99: f.p99,
        cpuUsPerOp: f.cpuUsPerOp,
        ops: f.ops,
      },
    }));
    const workloads = [...new Set(figures.map((f) => f.workload))];
    const pick = (w: string, s: 'adapter' | 'raw') => figures.find((f) => f.workload === w && f.subject === s);
    return {
      status: 'ok',
      columns: [
        { key: 'ops', label: 'ops' },
        { key: 'opsPerSecond', label: 'ops/s', better: 'higher', digits: 0 },
        { key: 'itemsPerSecond', label: 'items/s', better: 'higher', digits: 0 },
        { key: 'p50', label: 'p50', unit: 'ms', better: 'lower', digits: 2 },
        { key: 'p99', label: 'p99', unit: 'ms', better: 'lower', digits: 2 },
        { key: 'cpuUsPerOp', label: 'client CPU/op', unit: 'µs', better: 'lower', digits: 0 },
      ],
      rows,
      ratios: workloads.flatMap((w) => [
        {
          label: `${w}: adapter / raw, ops/s`,
          value: ratio(pick(w, 'adapter')?.opsPerSecond, pick(w, 'raw')?.opsPerSecond),
          meaning: '< 1 = the adapter is slower than the bare SDK call',
        },
        {
          label: `${w}: adapter / raw, client CPU per op`,
          value: ratio(pick(w, 'adapter')?.cpuUsPerOp, pick(w, 'raw')?.cpuUsPerOp),
          meaning: '> 1 = the adapter spends more of the caller’s CPU per op',
        },
      ]),
      notes: [
        'The EMULATORS, not AWS, set the absolute numbers (DynamoDB Local is a JVM on SQLite, kinesalite a node process on LevelDB-in-memory, both on these 2 cores): read the ratios and the client CPU per op, not the ops/s, as what the adapters cost.',
        `${p.ops} ops per subject per round, ${p.rounds} rounds (order alternates), ${p.concurrency} in flight, after 200 warm-up ops per side; the measured client runs in its own process, bundled like a Lambda.`,
        'Raw DynamoDB = DocumentClient PutCommand with attribute_not_exists(version) (the item the adapter writes, built by hand) and a strongly consistent Query. The adapter appends one event to an existing stream with the same single conditional put (docs/ARCHITECTURE.md: why no transaction is needed); the event-store-dynamodb benchmark also measures its former transactional path.',
        `Raw Kinesis = one PutRecords call with one record per item (partition key = channel). The adapter packs consecutive items of one partition key into one record, spreads chat over 16 keys per channel and retries refused records in key order; chat items ~250 bytes.`,
      ],
      details: { params: p, figures },
    };
  },
};
