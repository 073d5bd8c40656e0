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
import { generateWorkload, OUTCOME_CODE, type AuctionImplementation, type Workload, type WorkloadSpec } from './workload.js';

const factories: Record<string, () => AuctionImplementation> = {
  stampede: createStampedeImplementation,
  emmett: createEmmettImplementation,
  castore: createCastoreImplementation,
};

const channel = parentChannel();

const runAll = async (impl: AuctionImplementation, workload: Workload, label: string, latencies?: SampleBuffer) => {
  const outcomes: string[] = new Array(workload.commands.length);
  const every = Math.max(1, Math.floor(workload.commands.length / 10));
  for (let i = 0; i < workload.commands.length; i++) {
    const command = workload.commands[i]!;
    const t0 = performance.now();
    const outcome = await impl.execute(command);
    if (latencies) latencies.push(performance.now() - t0);
    outcomes[i] = OUTCOME_CODE[outcome];
    if (i % every === 0) channel.progress(`${impl.name} ${label} ${i.toLocaleString('en-US')}/${workload.commands.length.toLocaleString('en-US')}`);
  }
  return outcomes.join('');
};

const main = async () => {
  const [name, specJson] = process.argv.slice(2);
  const factory = name ? factories[name] : undefined;
  if (!factory || !specJson) throw new Error(`usage: implementation.worker.ts <${Object.keys(factories).join('|')}> <spec json>`);
  const spec = JSON.parse(specJson) as WorkloadSpec;

  const warmup = generateWorkload({ ...spec, seed: spec.seed + 1, auctions: Math.max(50, Math.floor(spec.auctions / 5)) });
  await runAll(factory(), warmup, 'warm-up');

  const workload = generateWorkload(spec);
  (globalThis as { gc?: () => void }).gc?.();
  const impl = factory();
  const latencies = new SampleBuffer(workload.commands.length);
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const outcomes = await runAll(impl, workload, 'measured', latencies);
  const totalMs = performance.now() - t0;
  const heapAfter = process.memoryUsage().heapUsed;

  const results = [];
  for (const r of workload.expectedResults) results.push(await impl.result(r.auctionId));
  const ms = summarize(latencies.values());
  channel.send({
    type: 'result',
    implementation: impl.name,
    commands: workload.commands.length,
    totalMs,
    commandsPerSecond: (workload.commands.length / totalMs) * 1000,
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
