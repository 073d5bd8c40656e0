import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  intOption,
  unavailable,
  type Benchmark,
  type BenchmarkContext,
  type BenchmarkResult,
  type Row,
} from '../lib/benchmark.js';
import { median, ratio } from '../lib/stats.js';

/**
 * A bundle's file and the chunks it imports statically, transitively: what Node loads at init
 * (the build splits out what is only imported dynamically; those chunks are not counted, as
 * `npm run build` does not count them against the budget).
 */
const loadedAtInit = (file: string): string[] => {
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    const code = readFileSync(f, 'utf8');
    for (const m of code.matchAll(/\b(?:import|export)\s*(?:[\w$\s{},*]*?from\s*)?["'](\.\.?\/[^"']+)["']/g)) {
      if (m[1] !== undefined) visit(resolvePath(dirname(f), m[1]));
    }
  };
  visit(file);
  return [...seen];
};

interface Probe {
  /** `await import(bundle)` alone: module evaluation, config parsing, container, SDK clients. */
  readonly importMs: number;
  /** From process start (performance.timeOrigin) to handler ready: what a cold start adds before the first event. */
  readonly readyMs: number;
  readonly rssMiB: number;
}

interface Measured {
  readonly name: string;
  readonly role: Row['role'];
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly probes: Probe[];
  readonly error: string | null;
}

/**
 * The probe runs in a fresh `node` (no tsx, no loaders, no source maps — like Lambda's
 * default), imports the bundle once and reports. Only PATH and the function's example
 * environment are passed: a bundle must not load thanks to the developer's own AWS settings.
 */
const PROBE = [
  'const t0 = performance.now();',
  'const mod = await import(process.env.STAMPEDE_BENCH_BUNDLE);',
  'const t1 = performance.now();',
  "if (typeof mod.handler !== 'function') { console.error('the bundle exports no handler function'); process.exit(3); }",
  'process.stdout.write(JSON.stringify({ importMs: t1 - t0, readyMs: t1, rssMiB: process.memoryUsage().rss / 2 ** 20 }));',
  'process.exit(0);',
].join('\n');

const probeOnce = (file: string, env: Record<string, string>): Promise<Probe> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', PROBE], {
      env: { PATH: process.env['PATH'] ?? '', ...env, STAMPEDE_BENCH_BUNDLE: pathToFileURL(file).href },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 4_000) err += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as Probe);
      else {
        // The line naming the error says more than node's "file:line" preamble.
        const lines = err.trim().split('\n');
        reject(new Error(lines.find((l) => /^\w*Error\b/.test(l.trim())) ?? (lines[0] || `exit code ${String(code)}`)));
      }
    });
  });

const ESM_REQUIRE_BANNER =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/**
 * The yardsticks, bundled with the same esbuild settings as scripts/build.ts: an empty handler
 * (node's floor) and a handler that only builds a DynamoDB DocumentClient (what any hand-written
 * AWS handler pays before its own code).
 */
const buildBaselines = async (root: string): Promise<{ name: string; file: string }[]> => {
  const dir = join(root, 'bench', '.build', 'cold-init');
  mkdirSync(dir, { recursive: true });
  const sources: Record<string, string> = {
    'empty handler': 'export const handler = async () => ({ statusCode: 200 });\n',
    'DynamoDB DocumentClient handler':
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n" +
      "import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';\n" +
      'const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));\n' +
      "export const handler = async (e) => client.send(new GetCommand({ TableName: process.env.TABLE ?? 't', Key: { pk: e.id } }));\n",
  };
  const out: { name: string; file: string }[] = [];
  for (const [name, contents] of Object.entries(sources)) {
    const slug = name.replace(/\W+/g, '-').toLowerCase();
    const entry = join(dir, `${slug}.entry.mjs`);
    writeFileSync(entry, contents);
    const file = join(dir, slug, 'index.mjs');
    await build({
      entryPoints: [entry],
      outfile: file,
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      mainFields: ['module', 'main'],
      minify: true,
      keepNames: true,
      banner: { js: ESM_REQUIRE_BANNER },
      logLevel: 'silent',
    });
    out.push({ name, file });
  }
  return out;
};

/** Rebuilds dist/lambda when the build script exists, so the figures describe the current code. */
const buildBundles = (ctx: BenchmarkContext): string | null => {
  if (!existsSync(join(ctx.root, 'scripts', 'build.ts'))) return 'scripts/build.ts does not exist yet';
  if (ctx.options['no-build']) return null;
  ctx.progress('npm run build (bundles every Lambda entrypoint)…');
  const r = spawnSync('npm', ['run', '--silent', 'build', '--', '--allow-missing', '--no-load-check'], {
    cwd: ctx.root,
    encoding: 'utf8',
  });
  if (r.status !== 0)
    ctx.log(
      `npm run build exited ${String(r.status)}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ⏎ ')} — measuring whatever bundles exist`,
    );
  return null;
};

const envFor = async (root: string, name: string): Promise<Record<string, string>> => {
  const configPath = join(root, 'src', 'entrypoints', 'composition', 'config.ts');
  if (!existsSync(configPath)) return {};
  const config = (await import(pathToFileURL(configPath).href)) as {
    exampleEnvironment?: (n: string) => Record<string, string>;
    LAMBDA_NAMES?: readonly string[];
  };
  if (!config.exampleEnvironment || !config.LAMBDA_NAMES?.includes(name)) return {};
  return config.exampleEnvironment(name);
};

export const benchmark: Benchmark = {
  name: 'cold-init',
  description:
    'Per Lambda bundle: size and time to import it and build its container in a fresh node, vs an empty handler and a bare DynamoDB client handler',
  async run(ctx): Promise<BenchmarkResult> {
    const runs = Math.max(5, intOption(ctx, 'cold-runs', 7));
    const buildProblem = buildBundles(ctx);
    const distDir = join(ctx.root, 'dist', 'lambda');
    const bundles = existsSync(distDir)
      ? readdirSync(distDir)
          .filter((n) => existsSync(join(distDir, n, 'index.mjs')))
          .sort()
          .map((n) => ({ name: n, file: join(distDir, n, 'index.mjs') }))
      : [];
    if (bundles.length === 0) {
      return unavailable(
        `no Lambda bundles in dist/lambda/*/index.mjs${buildProblem ? ` (${buildProblem})` : ' (no entrypoints in src/entrypoints/lambda yet?)'}`,
        ['Completes itself once `npm run build` produces dist/lambda/<name>/index.mjs.'],
      );
    }

    const subjects = [
      ...(await buildBaselines(ctx.root)).map((b) => ({ ...b, role: 'baseline' as const })),
      ...bundles.map((b) => ({ ...b, role: 'stampede' as const })),
    ];
    const measured: Measured[] = [];
    for (const s of subjects) {
      const env = s.role === 'stampede' ? await envFor(ctx.root, s.name) : { AWS_REGION: 'eu-west-1' };
      const probes: Probe[] = [];
      let error: string | null = null;
      for (let i = 0; i < runs && !error; i++) {
        ctx.progress(`${s.name} ${i + 1}/${runs}`);
        try {
          probes.push(await probeOnce(s.file, env));
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
      }
      const files = loadedAtInit(s.file);
      measured.push({
        name: s.name,
        role: s.role,
        bytes: files.reduce((sum, f) => sum + statSync(f).size, 0),
        gzipBytes: gzipSync(Buffer.concat(files.map((f) => readFileSync(f)))).length,
        probes,
        error,
      });
    }

    const med = (m: Measured, k: keyof Probe) => (m.probes.length ? median(m.probes.map((p) => p[k])) : null);
    const empty = measured.find((m) => m.name === 'empty handler');
    const sdk = measured.find((m) => m.name === 'DynamoDB DocumentClient handler');
    const ours = measured.filter((m) => m.role === 'stampede' && !m.error);
    const worst = ours.reduce<Measured | null>(
      (w, m) => (w === null || (med(m, 'readyMs') ?? 0) > (med(w, 'readyMs') ?? 0) ? m : w),
      null,
    );
    const failed = measured.filter((m) => m.error);

    return {
      status: 'ok',
      columns: [
        { key: 'kib', label: 'size', unit: 'KiB', digits: 1, better: 'lower' },
        { key: 'gzip', label: 'gzip', unit: 'KiB', digits: 1 },
        { key: 'import', label: 'import', unit: 'ms', digits: 1, better: 'lower' },
        { key: 'ready', label: 'process start → ready', unit: 'ms', digits: 1, better: 'lower' },
        { key: 'rss', label: 'RSS', unit: 'MiB', digits: 1 },
        { key: 'status', label: 'status' },
      ],
      rows: measured.map((m) => ({
        subject: m.name,
        role: m.role,
        values: {
          kib: m.bytes / 1024,
          gzip: m.gzipBytes / 1024,
          import: med(m, 'importMs'),
          ready: med(m, 'readyMs'),
          rss: med(m, 'rssMiB'),
          status: m.error ? `FAILS TO LOAD: ${m.error.slice(0, 160)}` : 'ok',
        },
      })),
      ratios: worst
        ? [
            {
              label: `slowest bundle (${worst.name}) import / DocumentClient handler import`,
              value: ratio(med(worst, 'importMs'), sdk ? med(sdk, 'importMs') : null),
              meaning: '× the init of a bare SDK handler (1 = no overhead of our own)',
            },
            {
              label: `slowest bundle (${worst.name}) ready / empty handler ready`,
              value: ratio(med(worst, 'readyMs'), empty ? med(empty, 'readyMs') : null),
              meaning: '× node’s floor for an ESM handler',
            },
          ]
        : [],
      notes: [
        `Median of ${runs} fresh \`node\` processes per bundle (plain node ${process.version}, no source maps, env = PATH + the function’s example environment from config.ts).`,
        '“import” is `await import(bundle)`: module evaluation, configuration parsing, container and SDK clients. “process start → ready” adds node’s own start-up; Lambda’s runtime client and the sandbox start are not included.',
        'Baselines are bundled with the same esbuild settings as scripts/build.ts (minified, ESM, node22).',
        ...(failed.length
          ? [`Bundles that do not load: ${failed.map((f) => f.name).join(', ')} — see the status column.`]
          : []),
      ],
      details: {
        runs,
        probes: Object.fromEntries(
          measured.map((m) => [m.name, { bytes: m.bytes, gzipBytes: m.gzipBytes, probes: m.probes, error: m.error }]),
        ),
      },
    };
  },
};
