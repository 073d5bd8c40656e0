import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Benchmark } from './benchmark.js';

/** Printed and run in this order; benchmarks not listed follow alphabetically. */
const PREFERRED_ORDER = ['domain-core', 'fanout', 'cold-init', 'recommendations'];

export interface RegisteredBenchmark {
  readonly file: string;
  readonly benchmark: Benchmark | null;
  /** Set when the module did not load or does not export a benchmark. */
  readonly loadError: string | null;
  /** File name without `.bench.ts`: the benchmark's name when the module fails to load. */
  readonly fallbackName: string;
}

const isBenchmark = (value: unknown): value is Benchmark =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Benchmark).name === 'string' &&
  typeof (value as Benchmark).description === 'string' &&
  typeof (value as Benchmark).run === 'function';

/**
 * Every `bench/**\/*.bench.ts` is a benchmark module — discovered rather than listed, so a new
 * benchmark registers itself by existing (`recommendations.bench.ts` is owned elsewhere).
 * A module that fails to import is reported under its file name instead of aborting the run.
 */
export const discoverBenchmarks = async (benchDir: string): Promise<RegisteredBenchmark[]> => {
  const files = readdirSync(benchDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.bench.ts') && !f.split(/[\\/]/).includes('node_modules'))
    .map((f) => join(benchDir, f));
  const found = await Promise.all(
    files.map(async (file): Promise<RegisteredBenchmark> => {
      const fallbackName = relative(benchDir, file)
        .split(/[\\/]/)
        .pop()!
        .replace(/\.bench\.ts$/, '');
      try {
        const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        const candidate = mod.benchmark ?? mod.default;
        if (!isBenchmark(candidate)) {
          return {
            file,
            benchmark: null,
            fallbackName,
            loadError: 'exports no `benchmark` with name, description and run(ctx)',
          };
        }
        return { file, benchmark: candidate, fallbackName, loadError: null };
      } catch (error) {
        return {
          file,
          benchmark: null,
          fallbackName,
          loadError: error instanceof Error ? error.message : String(error),
        };
      }
    }),
  );
  const nameOf = (r: RegisteredBenchmark) => r.benchmark?.name ?? r.fallbackName;
  const rank = (r: RegisteredBenchmark) => {
    const i = PREFERRED_ORDER.indexOf(nameOf(r));
    return i < 0 ? PREFERRED_ORDER.length : i;
  };
  return found.sort((a, b) => rank(a) - rank(b) || nameOf(a).localeCompare(nameOf(b)));
};

export const benchmarkName = (r: RegisteredBenchmark): string => r.benchmark?.name ?? r.fallbackName;
