import { existsSync, readdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { LAMBDA_NAMES, type LambdaName } from '../../src/entrypoints/composition/config.js';

const HANDLER_SUFFIX = '.handler.ts';

/**
 * Size budget per bundle (minified index.mjs, source map and legal notes excluded), in bytes.
 * Why these numbers: see docs/DEPLOY.md "Bundle budget". A bundle over budget fails the build.
 */
export const DEFAULT_BUDGET_BYTES = 1024 * 1024;
export const BUDGET_OVERRIDES: Partial<Record<LambdaName, number>> = {
  // Every route in one function: DynamoDB, SQS, Kinesis and S3 clients plus ioredis.
  'http-api': 1.5 * 1024 * 1024,
};

export const budgetOf = (name: string): number => BUDGET_OVERRIDES[name as LambdaName] ?? DEFAULT_BUDGET_BYTES;

/** The entrypoints present: every `<name>.handler.ts` in `entryDir`. */
export const findEntrypoints = (entryDir: string): string[] =>
  existsSync(entryDir)
    ? readdirSync(entryDir)
        .filter((f) => f.endsWith(HANDLER_SUFFIX))
        .map((f) => f.slice(0, -HANDLER_SUFFIX.length))
        .sort()
    : [];

/** Which fixed entrypoints are missing and which files are not in the fixed list. */
export const compareWithFixedList = (found: readonly string[]): { missing: LambdaName[]; unknown: string[] } => ({
  missing: LAMBDA_NAMES.filter((n) => !found.includes(n)),
  unknown: found.filter((n) => !(LAMBDA_NAMES as readonly string[]).includes(n)),
});

/**
 * ESM output has no `require`; CommonJS dependencies bundled into it (ioredis, parts of the
 * SDK's credential chain) still call `require('node:…')`, and esbuild's shim throws
 * "Dynamic require of X is not supported" unless a real `require` exists in module scope.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __stampedeCreateRequire } from 'node:module';const require = __stampedeCreateRequire(import.meta.url);";

/**
 * `import { z } from 'zod'` is one namespace object, so esbuild cannot drop what is unused;
 * its `z.locales` alone is ~260 KB of translated messages in every bundle. Stampede's errors
 * are English (the default `en` locale is imported by zod's core directly), so the locales
 * index is replaced by an empty one. Hand-written because esbuild has no option for it.
 */
const dropZodLocales: esbuild.Plugin = {
  name: 'drop-zod-locales',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'stampede-empty' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'stampede-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

export interface BuiltBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly budget: number;
  /** The largest packages inside, for a bundle over budget: [package, bytes]. */
  readonly largest: readonly (readonly [string, number])[];
}

const packageOf = (input: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.replaceAll('\\', '/'));
  return match?.[1] ?? (input.startsWith('stampede-empty:') ? '(stubs)' : 'stampede (src)');
};

const largestPackages = (inputs: Record<string, { bytesInOutput: number }>): [string, number][] => {
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
};

/**
 * Bundles each entrypoint into `<outDir>/<name>/index.mjs` (+ .map), in one esbuild run:
 * no code splitting, so every bundle is self-contained, as Lambda needs.
 */
export const bundleEntrypoints = async (opts: {
  readonly rootDir: string;
  readonly entryDir: string;
  readonly outDir: string;
  readonly names: readonly string[];
}): Promise<BuiltBundle[]> => {
  await rm(opts.outDir, { recursive: true, force: true });
  if (opts.names.length === 0) return [];
  const entryPoints = Object.fromEntries(
    opts.names.map((n) => [`${n}/index`, join(opts.entryDir, `${n}${HANDLER_SUFFIX}`)]),
  );
  const result = await esbuild.build({
    absWorkingDir: opts.rootDir,
    entryPoints,
    outdir: opts.outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    // Prefer the ESM builds of dependencies (the SDK's dist-es): they tree-shake.
    mainFields: ['module', 'main'],
    minify: true,
    // inversify and the error classes rely on constructor names surviving minification.
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'linked',
    banner: { js: ESM_REQUIRE_BANNER },
    plugins: [dropZodLocales],
    metafile: true,
    logLevel: 'silent',
  });

  const bundles: BuiltBundle[] = [];
  for (const name of opts.names) {
    const file = join(opts.outDir, name, 'index.mjs');
    const meta = result.metafile.outputs[relative(opts.rootDir, file).replaceAll('\\', '/')];
    bundles.push({
      name,
      file,
      bytes: (await stat(file)).size,
      budget: budgetOf(name),
      largest: meta === undefined ? [] : largestPackages(meta.inputs),
    });
  }
  return bundles;
};
