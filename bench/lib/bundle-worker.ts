import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Bundles a worker entry (our TypeScript) into one ESM file run by plain `node`: measured code
 * then runs as it would in a Lambda bundle, without the tsx loader's start-up and
 * transform hooks in the process or in its CPU profiles. Packages stay external (node resolves
 * them from the repository's node_modules), so peers run exactly as published.
 */
export const bundleWorker = async (root: string, entry: string): Promise<string> => {
  const outDir = join(root, 'bench', '.build');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, basename(entry).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'silent',
  });
  return outfile;
};
