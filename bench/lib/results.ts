import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchmarkResult } from './benchmark.js';
import type { MachineInfo } from './machine.js';

export interface BenchmarkRecord {
  readonly description: string;
  readonly status: BenchmarkResult['status'] | 'failed';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly options: Readonly<Record<string, string>>;
  readonly machine: MachineInfo;
  /** 1-minute load average around the run: its own code is at most ~1 of it. */
  readonly load?: { readonly atStart: number; readonly atEnd: number; readonly waitedMs: number };
  readonly result?: BenchmarkResult;
  readonly error?: string;
}

export interface RunFile {
  readonly machine: MachineInfo;
  readonly argv: readonly string[];
  readonly benchmarks: Record<string, BenchmarkRecord>;
}

export interface LatestFile {
  readonly updatedAt: string;
  /** Each entry keeps the machine and date it was measured with: a partial run updates only its own. */
  readonly benchmarks: Record<string, BenchmarkRecord>;
}

const readLatest = (path: string): LatestFile | null => {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LatestFile;
  } catch {
    return null; // a corrupt latest.json is replaced, not fatal
  }
};

/**
 * Writes `results/<timestamp>.json` (this run) and merges into `results/latest.json`
 * (the newest record of every benchmark). Returns both paths.
 */
export const writeResults = (
  resultsDir: string,
  run: RunFile,
): { runPath: string; latestPath: string; latest: Readonly<Record<string, BenchmarkRecord>> } => {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = run.machine.date.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const runPath = join(resultsDir, `${stamp}.json`);
  writeFileSync(runPath, `${JSON.stringify(run, null, 2)}\n`);
  const latestPath = join(resultsDir, 'latest.json');
  const previous = readLatest(latestPath);
  const latest: LatestFile = {
    updatedAt: run.machine.date,
    benchmarks: { ...previous?.benchmarks, ...run.benchmarks },
  };
  writeFileSync(latestPath, `${JSON.stringify(latest, null, 2)}\n`);
  return { runPath, latestPath, latest: latest.benchmarks };
};
