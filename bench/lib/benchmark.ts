import { z } from 'zod';

/**
 * The contract every benchmark module fulfils. A module (`bench/**\/*.bench.ts`) exports
 * `benchmark` (or a default export) of this shape; `bench/run.ts` discovers it, runs it and
 * prints/stores what `run` returns. A speed claim needs a figure measured in the same run
 * against what a user would pick instead, so a result always names its peer or baseline.
 */
export interface Benchmark {
  /** Short kebab-case name, used on the command line: `npm run bench -- <name>`. */
  readonly name: string;
  /** One sentence: what is measured, against what. */
  readonly description: string;
  run(ctx: BenchmarkContext): Promise<BenchmarkResult>;
}

export interface BenchmarkContext {
  /** Repository root (absolute). */
  readonly root: string;
  /** Options from the command line (`--key=value`), for knobs such as `--rounds=5`. */
  readonly options: Readonly<Record<string, string>>;
  /** A transient status line while long work runs ("fanout: bare-ws connecting 4,000/10,000"). */
  progress(text: string): void;
  /** A durable line, printed above the progress line. */
  log(text: string): void;
}

/**
 * Who a row is: `stampede` is the code under test, `peer` is the library a user would pick
 * instead, `baseline` is the floor/limit of the machine (a bare `ws` server, an empty bundle).
 */
export const RowRole = z.enum(['stampede', 'peer', 'baseline']);
export type RowRole = z.infer<typeof RowRole>;

export const Column = z.object({
  key: z.string().min(1),
  label: z.string().min(1),
  unit: z.string().optional(),
  /** Which way is better, for the reader (printed as ↑ / ↓ next to the label). */
  better: z.enum(['higher', 'lower']).optional(),
  /** Fraction digits when printed; figures are stored unrounded in the JSON. */
  digits: z.number().int().min(0).max(6).optional(),
});
export type Column = z.infer<typeof Column>;

export const Row = z.object({
  subject: z.string().min(1),
  role: RowRole,
  values: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
});
export type Row = z.infer<typeof Row>;

/** A headline comparison, e.g. "Stampede / Emmett, commands/s" = 1.7 (×). */
export const Ratio = z.object({
  label: z.string().min(1),
  value: z.number().nullable(),
  /** How to read it: "× the peer's throughput (> 1 = Stampede faster)". */
  meaning: z.string().min(1),
});
export type Ratio = z.infer<typeof Ratio>;

export const BenchmarkResult = z.object({
  /**
   * `unavailable`: the thing to measure does not exist yet (no bundles, no runtime) — reported
   * plainly instead of failing the whole run. A benchmark that finds wrong results throws.
   */
  status: z.enum(['ok', 'unavailable']),
  reason: z.string().optional(),
  columns: z.array(Column),
  rows: z.array(Row),
  ratios: z.array(Ratio),
  notes: z.array(z.string()),
  /** Anything else worth keeping in the JSON (per-round figures, parameters). */
  details: z.unknown().optional(),
});
export type BenchmarkResult = z.infer<typeof BenchmarkResult>;

export const unavailable = (reason: string, notes: string[] = []): BenchmarkResult => ({
  status: 'unavailable',
  reason,
  columns: [],
  rows: [],
  ratios: [],
  notes,
});

/** Reads an integer knob from `--key=value`, falling back to `fallback`. */
export const intOption = (ctx: BenchmarkContext, key: string, fallback: number): number => {
  const raw = ctx.options[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${key} must be a positive integer, got "${raw}"`);
  return n;
};
