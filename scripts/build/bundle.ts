import { existsSync, readdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { LAMBDA_NAMES, type LambdaName } from '../../src/entrypoints/composition/config.js';
import { mapLimited } from './load-check.js';

const HANDLER_SUFFIX = '.handler.ts';

/**
 * Size budget per bundle, in bytes: the minified code Node loads at init (index.mjs and the
 * chunks it imports statically; source maps, legal notes and lazily imported chunks excluded).
 * Why this number: see docs/DEPLOY.md "Bundle budget". A bundle over budget fails the build.
 */
export const DEFAULT_BUDGET_BYTES = 1024 * 1024;
/** None today: every function, http-api included, fits the default. */
export const BUDGET_OVERRIDES: Partial<Record<LambdaName, number>> = {};

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

const LAMBDA_CREDENTIALS = fileURLToPath(new URL('./lambda-credentials.ts', import.meta.url));

/**
 * Every `@aws-sdk/credential-provider-node` import (each SDK client's default credentials, and
 * the AppSync Events signer) resolves to lambda-credentials.ts: the environment and container
 * providers only, ~90 KiB less per bundle. Why that is enough on Lambda: see that file.
 */
const lambdaCredentialChain: esbuild.Plugin = {
  name: 'lambda-credential-chain',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) =>
      args.importer === LAMBDA_CREDENTIALS ? undefined : { path: LAMBDA_CREDENTIALS },
    );
  },
};

export interface BuiltBundle {
  readonly name: string;
  /** The entry file, `<outDir>/<name>/index.mjs`. */
  readonly file: string;
  /**
   * What Node loads at init: index.mjs and every chunk it imports statically (transitively).
   * This is what the budget bounds (cold-start parse and evaluation time).
   */
  readonly bytes: number;
  readonly budget: number;
  /** Chunks only reached through a dynamic `import()`: loaded on first use, if ever. */
  readonly lazyFiles: readonly string[];
  readonly lazyBytes: number;
  /** The largest packages loaded at init, for a bundle over budget: [package, bytes]. */
  readonly largest: readonly (readonly [string, number])[];
}

const packageOf = (input: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.replaceAll('\\', '/'));
  return match?.[1] ?? (input.startsWith('stampede-empty:') ? '(stubs)' : 'stampede (src)');
};

const largestPackages = (outputs: readonly esbuild.Metafile['outputs'][string][]): [string, number][] => {
  const byPackage = new Map<string, number>();
  for (const output of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
};

/** The output files `entry` imports statically, transitively (itself included). */
const staticClosure = (outputs: esbuild.Metafile['outputs'], entry: string): Set<string> => {
  const seen = new Set<string>();
  const stack = [entry];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const output = outputs[next];
    if (seen.has(next) || output === undefined) continue;
    seen.add(next);
    for (const i of output.imports) if (i.kind === 'import-statement' && !i.external) stack.push(i.path);
  }
  return seen;
};

const buildOne = async (opts: {
  readonly rootDir: string;
  readonly entryDir: string;
  readonly outDir: string;
  readonly name: string;
}): Promise<BuiltBundle> => {
  const dir = join(opts.outDir, opts.name);
  const result = await esbuild.build({
    absWorkingDir: opts.rootDir,
    entryPoints: { index: join(opts.entryDir, `${opts.name}${HANDLER_SUFFIX}`) },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    // Code splitting, one entry per build (so no chunk is shared between functions): what a
    // dependency loads with a dynamic `import()` — the SDK's credential providers and event-stream
    // codec, Powertools' parser schemas, Stampede's Redis client — becomes a chunk of its own,
    // loaded on first use instead of parsed at every cold start.
    // (The SDK stays bundled rather than external: the runtime's copy, listed under "Runtime-included
    // SDK versions" at https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html, is not
    // known at build time to be as recent as the 3.11xx clients here; see docs/DEPLOY.md.)
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
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
    plugins: [dropZodLocales, lambdaCredentialChain],
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const key = (file: string): string => relative(opts.rootDir, file).replaceAll('\\', '/');
  const file = join(dir, 'index.mjs');
  const atInit = staticClosure(outputs, key(file));
  const code = Object.keys(outputs).filter((k) => k.endsWith('.mjs'));
  const lazy = code.filter((k) => !atInit.has(k));
  const sizeOf = async (keys: readonly string[]): Promise<number> =>
    (await Promise.all(keys.map(async (k) => (await stat(join(opts.rootDir, k))).size))).reduce((a, b) => a + b, 0);
  return {
    name: opts.name,
    file,
    bytes: await sizeOf([...atInit]),
    budget: budgetOf(opts.name),
    lazyFiles: lazy.map((k) => join(opts.rootDir, k)),
    lazyBytes: await sizeOf(lazy),
    largest: largestPackages([...atInit].flatMap((k) => outputs[k] ?? [])),
  };
};

/**
 * Bundles each entrypoint into `<outDir>/<name>/` — index.mjs, the chunks under chunks/, and
 * their source maps — one esbuild run per entrypoint, so every directory is self-contained, as
 * Lambda needs (nothing is shared between functions).
 */
export const bundleEntrypoints = async (opts: {
  readonly rootDir: string;
  readonly entryDir: string;
  readonly outDir: string;
  readonly names: readonly string[];
}): Promise<BuiltBundle[]> => {
  await rm(opts.outDir, { recursive: true, force: true });
  // Two at a time: esbuild is multi-threaded already, and the machines have 2 cores.
  return mapLimited(opts.names, 2, (name) => buildOne({ ...opts, name }));
};
