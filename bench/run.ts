/**
 * `npm run bench`            every benchmark
 * `npm run bench -- <name>…` the named ones
 * `npm run bench -- --list`  what exists
 * Knobs: `--key=value` (e.g. `--rounds=5`, `--window-ms=20000`), passed to every benchmark;
 * `--no-save` skips writing bench/results; `--update-docs` rewrites the figures section of
 * docs/PERFORMANCE.md from bench/results/latest.json; `--quiet-wait-s=N` waits up to N s (default 60) for the
 * machine's load to settle before each benchmark, `--quiet-load=X` sets the threshold.
 */
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchmarkResult, type BenchmarkContext } from './lib/benchmark.js';
import { machineInfo } from './lib/machine.js';
import { ProgressLine } from './lib/progress.js';
import { waitForQuietMachine } from './lib/quiet.js';
import { updateFiguresInDocs } from './lib/docs.js';
import { benchmarkName, discoverBenchmarks } from './lib/registry.js';
import { writeResults, type BenchmarkRecord } from './lib/results.js';
import { renderResult } from './lib/table.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');

const parseArgs = (argv: readonly string[]) => {
  const names: string[] = [];
  const options: Record<string, string> = {};
  const flags = new Set<string>();
  for (const arg of argv) {
    const kv = /^--([a-z0-9-]+)=(.*)$/i.exec(arg);
    if (kv) options[kv[1] as string] = kv[2] as string;
    else if (arg.startsWith('--')) flags.add(arg.slice(2));
    else names.push(arg);
  }
  return { names, options, flags };
};

const main = async (): Promise<number> => {
  const argv = process.argv.slice(2);
  const { names, options, flags } = parseArgs(argv);
  const registered = await discoverBenchmarks(benchDir);

  if (flags.has('list') || flags.has('help')) {
    for (const r of registered) {
      const where = relative(root, r.file);
      console.log(
        r.benchmark
          ? `${r.benchmark.name.padEnd(18)} ${r.benchmark.description}  [${where}]`
          : `${r.fallbackName.padEnd(18)} (does not load: ${r.loadError})  [${where}]`,
      );
    }
    if (flags.has('help')) console.log('\nnpm run bench [-- <name>… | --list] [--key=value…] [--no-save]');
    return 0;
  }

  const unknown = names.filter((n) => !registered.some((r) => benchmarkName(r) === n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}. Known: ${registered.map(benchmarkName).join(', ')}`);
    return 2;
  }
  const selected = names.length > 0 ? registered.filter((r) => names.includes(benchmarkName(r))) : registered;

  const machine = machineInfo(root);
  console.log(
    `Stampede benchmarks — node ${machine.node}, ${machine.cpuModel} × ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
      `commit ${machine.gitCommit?.slice(0, 10) ?? 'unknown'}${machine.gitDirty ? ' (+ uncommitted changes)' : ''}, load ${machine.loadAverage1m}\n`,
  );

  const progress = new ProgressLine();
  const records: Record<string, BenchmarkRecord> = {};
  let failures = 0;

  for (const r of selected) {
    const name = benchmarkName(r);
    const startedAt = new Date();
    const base = {
      startedAt: startedAt.toISOString(),
      options,
      machine: { ...machine, date: startedAt.toISOString() },
    };
    if (!r.benchmark) {
      failures++;
      progress.log(`━━ ${name} ━━\nFAILED to load ${relative(root, r.file)}: ${r.loadError}\n`);
      records[name] = {
        ...base,
        description: '',
        status: 'failed',
        durationMs: 0,
        error: `does not load: ${r.loadError}`,
      };
      continue;
    }
    const ctx: BenchmarkContext = {
      root,
      options,
      progress: (text) => progress.update(`${name}: ${text}`),
      log: (text) => progress.log(`  ${text}`),
    };
    const quiet = await waitForQuietMachine({
      maxWaitMs: Number(options['quiet-wait-s'] ?? 60) * 1000,
      threshold: options['quiet-load'] === undefined ? undefined : Number(options['quiet-load']),
      progress: (text) => progress.update(`${name}: ${text}`),
    });
    if (!quiet.quiet)
      progress.log(
        `  warning: ${name} starts with the machine busy (load ${quiet.load.toFixed(2)} on ${machine.cores} cores) — figures will be low and noisy`,
      );
    progress.update(`${name}: starting`);
    const t0 = performance.now();
    try {
      const result = BenchmarkResult.parse(await r.benchmark.run(ctx));
      const durationMs = performance.now() - t0;
      const loadAtEnd = os.loadavg()[0] ?? 0;
      progress.log(
        `${renderResult(name, result)}\n  (${(durationMs / 1000).toFixed(1)} s; load average ${quiet.load.toFixed(2)} at start, ${loadAtEnd.toFixed(2)} at end)\n`,
      );
      records[name] = {
        ...base,
        description: r.benchmark.description,
        status: result.status,
        durationMs,
        load: { atStart: quiet.load, atEnd: loadAtEnd, waitedMs: quiet.waitedMs },
        result,
      };
    } catch (error) {
      failures++;
      const durationMs = performance.now() - t0;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      progress.log(`━━ ${name} ━━\nFAILED after ${(durationMs / 1000).toFixed(1)} s: ${message}\n`);
      records[name] = { ...base, description: r.benchmark.description, status: 'failed', durationMs, error: message };
    }
  }
  progress.clear();

  if (!flags.has('no-save')) {
    const { runPath, latestPath, latest } = writeResults(join(benchDir, 'results'), {
      machine,
      argv,
      benchmarks: records,
    });
    console.log(`figures written to ${relative(root, runPath)} and ${relative(root, latestPath)}`);
    if (flags.has('update-docs')) {
      const doc = join(root, 'docs', 'PERFORMANCE.md');
      const done = updateFiguresInDocs(doc, latest, registered.map(benchmarkName));
      console.log(
        done
          ? `figures section of ${relative(root, doc)} updated`
          : `${relative(root, doc)} has no bench:figures markers; not updated`,
      );
    }
  }
  return failures > 0 ? 1 : 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
