/**
 * `npm run build`: one esbuild bundle per Lambda entrypoint (src/entrypoints/lambda/<name>.handler.ts)
 * into dist/lambda/<name>/index.mjs, a size table, a budget check, and a load check of every
 * bundle with plain `node`. Exits non-zero, saying why, when an entrypoint of the fixed list
 * is missing, a bundle is over budget, or a bundle does not load.
 *
 * Options: --allow-missing (build what exists), --no-load-check, --entry-dir <dir>, --out-dir <dir>.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exampleEnvironment, type LambdaName } from '../src/entrypoints/composition/config.js';
import { bundleEntrypoints, compareWithFixedList, findEntrypoints, type BuiltBundle } from './build/bundle.js';
import { checkBundleLoads, mapLimited, type LoadResult } from './build/load-check.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

const table = (bundles: readonly BuiltBundle[], loads: ReadonlyMap<string, LoadResult>): string => {
  const rows = bundles.map((b) => {
    const load = loads.get(b.name);
    return [
      b.name,
      kib(b.bytes),
      kib(b.budget),
      `${Math.round((100 * b.bytes) / b.budget)}%`,
      b.bytes > b.budget ? 'OVER BUDGET' : 'ok',
      load === undefined ? '-' : load.ok ? 'ok' : 'FAILED',
      b.lazyFiles.length === 0 ? '-' : `${kib(b.lazyBytes)} in ${b.lazyFiles.length} chunk(s)`,
    ];
  });
  const header = ['bundle', 'size', 'budget', 'used', 'budget check', 'loads in node', 'loaded on first use'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};

export const runBuild = async (argv: readonly string[]): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'allow-missing': { type: 'boolean', default: false },
      'no-load-check': { type: 'boolean', default: false },
      'entry-dir': { type: 'string', default: join(ROOT, 'src/entrypoints/lambda') },
      'out-dir': { type: 'string', default: join(ROOT, 'dist/lambda') },
    },
  });
  const entryDir = resolve(values['entry-dir']);
  const outDir = resolve(values['out-dir']);
  const started = performance.now();
  const problems: string[] = [];

  const found = findEntrypoints(entryDir);
  const { missing, unknown } = compareWithFixedList(found);
  if (unknown.length > 0) {
    problems.push(
      `entrypoints not in the fixed list: ${unknown.join(', ')} — add the name to LAMBDA_NAMES ` +
        '(src/entrypoints/composition/config.ts) and a function to the stack (infra/), or rename the file',
    );
  }
  if (missing.length > 0 && !values['allow-missing']) {
    problems.push(
      `missing entrypoints: ${missing.map((m) => `${relative(ROOT, entryDir)}/${m}.handler.ts`).join(', ')}`,
    );
  }
  const names = found.filter((n) => !unknown.includes(n));
  const bundles = await bundleEntrypoints({ rootDir: ROOT, entryDir, outDir, names });
  const bundledIn = performance.now() - started;

  const loads = new Map<string, LoadResult>();
  if (!values['no-load-check']) {
    const results = await mapLimited(bundles, 2, (b) =>
      checkBundleLoads(b.file, exampleEnvironment(b.name as LambdaName), { lazyFiles: b.lazyFiles }),
    );
    bundles.forEach((b, i) => loads.set(b.name, results[i] ?? { ok: false, detail: 'not checked' }));
  }

  console.log(table(bundles, loads));
  console.log(
    `\n${bundles.length} bundle(s) in ${relative(ROOT, outDir) || outDir}, bundled in ${(bundledIn / 1000).toFixed(1)} s` +
      (values['no-load-check']
        ? ''
        : `, checked in ${((performance.now() - started - bundledIn) / 1000).toFixed(1)} s`),
  );
  if (missing.length > 0 && values['allow-missing'])
    console.warn(`warning: not built (no entrypoint yet): ${missing.join(', ')}`);

  for (const b of bundles.filter((x) => x.bytes > x.budget)) {
    const largest = b.largest.map(([pkg, bytes]) => `${pkg} ${kib(bytes)}`).join(', ');
    problems.push(
      `${b.name} is ${kib(b.bytes)}, over its budget of ${kib(b.budget)} (largest parts: ${largest}); see docs/DEPLOY.md "Bundle budget"`,
    );
  }
  for (const [name, load] of loads) {
    if (!load.ok)
      problems.push(
        `${name} does not load with plain node (example environment set):\n    ${load.detail.split('\n').slice(0, 12).join('\n    ')}`,
      );
  }
  if (problems.length > 0) {
    console.error(`\nbuild FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  return 0;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runBuild(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error('build FAILED:', error);
      process.exit(1);
    },
  );
}
