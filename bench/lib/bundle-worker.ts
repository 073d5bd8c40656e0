import { build, type Plugin } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface BundleOptions {
  /**
   * Modules replaced by the given source, keyed by absolute path: lets a benchmark still run
   * its other targets when one target's code (someone's work in progress) does not build.
   */
  readonly stubs?: Readonly<Record<string, string>>;
  /** Output name (default: the entry's name with .mjs). */
  readonly outName?: string;
}

const stubPlugin = (stubs: Readonly<Record<string, string>>): Plugin => ({
  name: 'bench-stubs',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) =>
      args.path in stubs ? { contents: stubs[args.path], loader: 'ts' as const } : undefined,
    );
  },
});

/**
 * Bundles a worker entry (our TypeScript) into one ESM file run by plain `node`: measured code
 * then runs as it would in a Lambda bundle, without the tsx loader's start-up and
 * transform hooks in the process or in its CPU profiles. Packages stay external (node resolves
 * them from the repository's node_modules), so peers run exactly as published.
 */
export const bundleWorker = async (root: string, entry: string, options: BundleOptions = {}): Promise<string> => {
  const outDir = join(root, 'bench', '.build');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, options.outName ?? basename(entry).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'silent',
    plugins: options.stubs ? [stubPlugin(options.stubs)] : [],
  });
  return outfile;
};
