/**
 * Runs one implementation in a fresh process (own heap, own JIT state), so the order in which
 * implementations run cannot favour one of them. Warm-up on a different seed first, then the
 * measured workload on a fresh store.
 */
import { parentChannel } from '../lib/child-process.js';
import { SampleBuffer, summarize } from '../lib/stats.js';
import { createCastoreImplementation } from './castore.impl.js';
import { createEmmettImplementation } from './emmett.impl.js';
import { createStampedeImplementation } from './stampede.impl.js';
import { readResults, runWorkload } from './run-workload.js';
import { generateWorkload, type AuctionImplementation, type WorkloadSpec } from './workload.js';

const factories: Record<string, () => AuctionImplementation> = {
  stampede: createStampedeImplementation,
  emmett: createEmmettImplementation,
  castore: createCastoreImplementation,
};

const channel = parentChannel();

const progress = (impl: AuctionImplementation, label: string) => (done: number, total: number) =>
  channel.progress(`${impl.name} ${label} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);

const main = async () => {
  const [name, specJson] = process.argv.slice(2);
  const factory = name ? factories[name] : undefined;
  if (!factory || !specJson)
    throw new Error(`usage: implementation.worker.ts <${Object.keys(factories).join('|')}> <spec json>`);
  const spec = JSON.parse(specJson) as WorkloadSpec;

  const warmup = generateWorkload({
    ...spec,
    seed: spec.seed + 1,
    auctions: Math.max(50, Math.floor(spec.auctions / 5)),
  });
  const warm = factory();
  await runWorkload(warm, warmup, { onProgress: progress(warm, 'warm-up') });

  const workload = generateWorkload(spec);
  (globalThis as { gc?: () => void }).gc?.();
  const impl = factory();
  const latencies = new SampleBuffer(workload.commands.length);
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcomes = await runWorkload(impl, workload, { latencies, onProgress: progress(impl, 'measured') });
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;

  const results = await readResults(impl, workload);
  const ms = summarize(latencies.values());
  channel.send({
    type: 'result',
    implementation: impl.name,
    commands: workload.commands.length,
    totalMs,
    commandsPerSecond: (workload.commands.length / totalMs) * 1000,
    cpuMs,
    // CPU time spent, not wall time: barely moved by other processes competing for the cores.
    commandsPerCpuSecond: (workload.commands.length / cpuMs) * 1000,
    latencyUs: { mean: ms.mean * 1000, p50: ms.p50 * 1000, p90: ms.p90 * 1000, p99: ms.p99 * 1000, max: ms.max * 1000 },
    heapGrowthMiB: (heapAfter - heapBefore) / 2 ** 20,
    outcomes,
    results,
  });
};

main().then(
  () => setTimeout(() => process.exit(0), 50),
  (error: unknown) => channel.fail(error),
);
