import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '../../src/adapters/local/emulators/dynamodb-local.js';
import { intOption, type Benchmark, type BenchmarkResult, type Row } from '../lib/benchmark.js';
import { bundleWorker } from '../lib/bundle-worker.js';
import { ChildHandle, type Message } from '../lib/child-process.js';
import { ratio } from '../lib/stats.js';
import type { Figures, Params } from './client.worker.js';

const kb = (bytes: number) => bytes / 1024;

export const benchmark: Benchmark = {
  name: 'event-store-dynamodb',
  description:
    'On DynamoDB Local: write units and speed of one append vs a raw conditional put; the domain-core bid workload through Stampede’s vs Castore’s DynamoDB event stores; the first command on a 10 / 1,000 / 10,000-event stream with and without snapshots',
  async run(ctx): Promise<BenchmarkResult> {
    const p: Params = {
      appends: intOption(ctx, 'appends', 1_000),
      concurrency: intOption(ctx, 'concurrency', 16),
      auctions: intOption(ctx, 'auctions', 200),
      bids: intOption(ctx, 'bids', 25),
      coldLengths: (ctx.options['cold-lengths'] ?? '10,1000,10000').split(',').map(Number),
      coldRepeats: intOption(ctx, 'cold-repeats', 15),
    };
    ctx.progress('bundling the client worker…');
    const script = await bundleWorker(ctx.root, fileURLToPath(new URL('./client.worker.ts', import.meta.url)), {
      outName: 'event-store-dynamodb-client.mjs',
    });
    ctx.progress('starting DynamoDB Local…');
    const dynamodb = await startDynamoDbLocal({ cacheDir: join(ctx.root, '.emulators') });
    let f: Figures;
    try {
      const child = ChildHandle.start({ script, label: 'event-store-dynamodb client', cwd: ctx.root });
      try {
        child.on('progress', (m) => ctx.progress(String(m.text)));
        await child.next('hello', 60_000);
        child.send({ type: 'run', endpoint: dynamodb.endpoint, params: p });
        f = (await child.next<Message & { figures: Figures }>('figures', 1_800_000)).figures;
      } finally {
        await child.stop(5_000, 2_000);
      }
    } finally {
      await dynamodb.stop();
    }
    if (f.castoreMissing) ctx.log(`install ${f.castoreMissing}`);

    const append = (s: Figures['appends'][number]['subject']) => f.appends.find((a) => a.subject === s);
    const bid = (s: string) => f.bids.find((b) => b.subject === s);
    const cold = (length: number, snapshots: boolean) =>
      f.cold.find((c) => c.streamLength === length && c.snapshots === snapshots);
    const [shortest, longest] = [Math.min(...p.coldLengths), Math.max(...p.coldLengths)];
    const rows: Row[] = [
      ...f.appends.map((a): Row => ({
        subject: `append 1 event to a 1-event stream — ${a.subject}`,
        role: a.subject === 'raw conditional put' ? 'baseline' : 'stampede',
        values: { rate: a.opsPerSecond, p50: a.p50, p99: a.p99, wcu: a.writeUnitsPerAppend, rcu: 0 },
      })),
      ...f.bids.map((b): Row => ({
        subject: `bid workload (${b.commands.toLocaleString('en-US')} commands) — ${b.subject === 'stampede' ? 'Stampede' : 'Castore 2.4 DynamoDB adapter'}`,
        role: b.subject === 'stampede' ? 'stampede' : 'peer',
        values: {
          rate: b.commandsPerSecond,
          p50: b.p50,
          p99: b.p99,
          wcu: b.writeUnitsPerCommand,
          rcu: b.readUnitsPerCommand,
          trips: b.roundTripsPerCommand,
        },
      })),
      ...f.cold.map((c): Row => ({
        subject: `first command, ${c.streamLength.toLocaleString('en-US')}-event stream — ${c.snapshots ? 'with' : 'without'} snapshots`,
        role: 'stampede',
        values: { p50: c.ms, rcu: c.readUnits, trips: c.roundTrips, kib: kb(c.bytesRead) },
      })),
    ];
    return {
      status: 'ok',
      columns: [
        { key: 'rate', label: 'ops/s', better: 'higher', digits: 0 },
        { key: 'p50', label: 'p50 (cold: median)', unit: 'ms', better: 'lower', digits: 2 },
        { key: 'p99', label: 'p99', unit: 'ms', better: 'lower', digits: 2 },
        { key: 'wcu', label: 'write units/op', better: 'lower', digits: 2 },
        { key: 'rcu', label: 'read units/op', better: 'lower', digits: 2 },
        { key: 'trips', label: 'round trips/op', better: 'lower', digits: 2 },
        { key: 'kib', label: 'read', unit: 'KiB', better: 'lower', digits: 1 },
      ],
      rows,
      ratios: [
        {
          label: 'append / raw conditional put, ops/s',
          value: ratio(append('Stampede append')?.opsPerSecond, append('raw conditional put')?.opsPerSecond),
          meaning: '≥ 0.8 wanted: the adapter costs little over the bare put',
        },
        {
          label: 'append write units (transactional guard ÷ now)',
          value: ratio(
            append('Stampede append, strictHead (transaction)')?.writeUnitsPerAppend,
            append('Stampede append')?.writeUnitsPerAppend,
          ),
          meaning: 'how many times the units the old two-item transaction spent',
        },
        {
          label: 'Stampede / Castore (DynamoDB), commands/s',
          value: ratio(bid('stampede')?.commandsPerSecond, bid('castore')?.commandsPerSecond),
          meaning: '> 1: Stampede faster (≥ 1.5 wanted); null: Castore’s adapter not installed',
        },
        {
          label: 'Castore / Stampede, write units per command',
          value: ratio(bid('castore')?.writeUnitsPerCommand, bid('stampede')?.writeUnitsPerCommand),
          meaning: '≥ 1: Stampede writes no more',
        },
        {
          label: `cold first command with snapshots: ${longest.toLocaleString('en-US')} ÷ ${shortest} events, ms`,
          value: ratio(cold(longest, true)?.ms, cold(shortest, true)?.ms),
          meaning: '≤ 2 wanted: a long stream loads about as fast as a short one',
        },
        {
          label: `cold first command without snapshots: ${longest.toLocaleString('en-US')} ÷ ${shortest} events, ms`,
          value: ratio(cold(longest, false)?.ms, cold(shortest, false)?.ms),
          meaning: 'what snapshots save',
        },
        {
          label: `cold first command with snapshots: ${longest.toLocaleString('en-US')} ÷ ${shortest} events, bytes read`,
          value: ratio(cold(longest, true)?.bytesRead, cold(shortest, true)?.bytesRead),
          meaning: 'the snapshot of a long auction holds its accepted bids (gzipped)',
        },
      ],
      notes: [
        'DynamoDB Local (a JVM on these 2 cores) sets the absolute rates; units come from ReturnConsumedCapacity, which DynamoDB Local reports as DynamoDB would. Each subject uses its own SDK client, metered separately.',
        `Appends: ${p.appends} streams at version 1 per subject and round, 2 rounds (order reversed) after a warm-up, ${p.concurrency} in flight; the raw put writes the very item the adapter writes. strictHead is the adapter’s former path: a ConditionCheck on the previous version + the put, in one transaction.`,
        `Bid workload: the domain-core auction workload (${p.auctions} auctions × ${p.bids} bid attempts, same seed mix), ${p.concurrency} commands in flight, each auction’s commands in order; every outcome and every auction’s result is cross-checked against the reference model. Both tables are on demand with a stream; Castore’s has the GSI its README documents.`,
        'Castore re-reads the whole stream on every command (getAggregate); Stampede caches state per stream and reads only the tail. Castore pushes a single event with one conditional put as well.',
        `Cold load: a fresh CommandHandler (no cache) handles one bid; median of ${p.coldRepeats} rounds; all with snapshots, then all without (a 10,000-event replay leaves garbage the next command would pay for), each round measuring every length once in a rotated order, after an unmeasured round. With snapshots: policy every 100 events or after folding more than 100; the snapshot was written beforehand, as an earlier load would have. Round trips and bytes include the append.`,
        ...(f.castoreMissing ? [`Castore’s DynamoDB adapter did not run: ${f.castoreMissing}.`] : []),
      ],
      details: { params: p, figures: f },
    };
  },
};
