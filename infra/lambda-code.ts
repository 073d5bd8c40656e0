import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { LambdaName } from '../src/entrypoints/composition/config.js';
import type { CodeSource } from './functions.construct.js';

/** Where `npm run build` puts the bundles by default: dist/lambda/<name>/index.mjs (+ map, legal notes). */
export const defaultDistDir = (root: string): string => join(root, 'dist', 'lambda');

export const missingBundles = (distDir: string, names: readonly LambdaName[]): LambdaName[] =>
  names.filter((n) => !existsSync(join(distDir, n, 'index.mjs')));

/** The prebuilt bundles as Lambda assets (each directory is zipped and hashed by the CLI). */
export const bundleCode =
  (distDir: string): CodeSource =>
  (name) =>
    lambda.Code.fromAsset(join(distDir, name));

/**
 * Stand-in code for tests and for synthesizing before every entrypoint exists: it fails every
 * invocation with a message saying what to do, so a stack deployed with it cannot pass for working.
 */
export const placeholderCode: CodeSource = (name) =>
  lambda.Code.fromInline(
    `exports.handler = async () => { throw new Error(${JSON.stringify(
      `Stampede ${name}: deployed without its bundle. Run "npm run build" and deploy again.`,
    )}); };`,
  );

/** Runs `npm run build` (via tsx, output to stderr so `cdk synth` keeps stdout for the template); true when it passed. */
export const runBuild = (root: string, distDir: string, allowMissing: boolean): boolean => {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const args = [
    tsx,
    join(root, 'scripts', 'build.ts'),
    '--out-dir',
    distDir,
    ...(allowMissing ? ['--allow-missing'] : []),
  ];
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });
  return result.status === 0;
};

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
};

/** Bundles older than some source file: a deploy would ship yesterday's code. */
export const staleBundles = (root: string, distDir: string, names: readonly LambdaName[]): LambdaName[] => {
  const sources = newestMtime(join(root, 'src'));
  return names.filter((n) => statSync(join(distDir, n, 'index.mjs')).mtimeMs < sources);
};
