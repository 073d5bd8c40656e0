import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

/** The repository root (this file is src/entrypoints/local/pages-build.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Page sources: HTML, CSS, config.js and one `main.ts` per page. */
export const WEB_DIR = join(REPO_ROOT, 'web');
/** Where `npm start` builds the pages to (gitignored); `npm run build:web` writes here too. */
export const DEFAULT_PAGES_DIR = join(REPO_ROOT, 'dist', 'web');

/** Each page's script, bundled to `<page>/main.js` beside its index.html. */
export const PAGE_SCRIPTS = ['live/main.ts', 'booking/main.ts'] as const;
const STAMP_FILE = '.build-stamp.json';
const COPIED = /\.(html|css|js|svg|ico|png|txt)$/;

interface BuildStamp {
  /** Every file the build read (repository-relative) → `mtimeMs:size` when it was built. */
  readonly inputs: Readonly<Record<string, string>>;
}

export interface PagesBuildResult {
  readonly outDir: string;
  /** False when the output was already up to date. */
  readonly built: boolean;
  readonly ms: number;
  /** Output files (relative to outDir) and their sizes in bytes. */
  readonly files: Readonly<Record<string, number>>;
  /**
   * Each page script as a browser downloads it: bytes, gzip bytes, and the bytes of it that are
   * zod (0: none; null when the output was up to date and not rebuilt). The pages keep zod off
   * their path (hand-written guards, see channel-view.ts): it was ~190 KB of a ~220 KB page.
   */
  readonly bundles: Readonly<Record<string, BundleSize>>;
}

export interface BundleSize {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly zodBytes: number | null;
}

const fingerprint = async (file: string): Promise<string | null> => {
  try {
    const s = await stat(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return null;
  }
};

const walk = async (dir: string): Promise<string[]> => {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out.sort();
};

const rel = (path: string): string => relative(REPO_ROOT, path).split(sep).join('/');

/**
 * Whether `outDir` must be rebuilt: no stamp, a recorded input changed or vanished, or web/ has
 * a file the last build did not read (a new page or stylesheet).
 */
export const pagesAreStale = async (outDir = DEFAULT_PAGES_DIR): Promise<boolean> => {
  let stamp: BuildStamp;
  try {
    stamp = JSON.parse(await readFile(join(outDir, STAMP_FILE), 'utf8')) as BuildStamp;
  } catch {
    return true;
  }
  for (const [input, recorded] of Object.entries(stamp.inputs)) {
    if ((await fingerprint(join(REPO_ROOT, input))) !== recorded) return true;
  }
  for (const file of await walk(WEB_DIR))
    if (!(rel(file) in stamp.inputs) && !file.endsWith('tsconfig.json')) return true;
  return false;
};

/**
 * `import { z } from 'zod'` is one namespace object, so a page that touches shared schemas would
 * carry every zod locale (~260 KB). The pages speak English; zod's core imports `en` directly.
 */
const dropZodLocales: esbuild.Plugin = {
  name: 'drop-zod-locales',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'pages-empty' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'pages-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Builds the static site: HTML, CSS and config.js copied as they are, each page's `main.ts`
 * bundled (ESM, minified, with source maps) with the viewer client it imports. The output is
 * plain files with relative links, so the same directory works from the local runtime, an S3
 * website or CloudFront; only `config.js` differs per deployment.
 *
 * The build goes to a scratch directory that replaces `outDir` at the end, so a page server
 * reading `outDir` meanwhile never sees half a site, and two builds at once cannot interleave.
 */
export const buildPages = async (options: { outDir?: string; force?: boolean } = {}): Promise<PagesBuildResult> => {
  const outDir = resolve(options.outDir ?? DEFAULT_PAGES_DIR);
  const started = performance.now();
  if (!options.force && !(await pagesAreStale(outDir))) {
    return {
      outDir,
      built: false,
      ms: performance.now() - started,
      files: await sizes(outDir),
      bundles: await bundleSizes(outDir, null),
    };
  }
  await mkdir(dirname(outDir), { recursive: true });
  const scratch = await mkdtemp(`${outDir}.building-`);
  let zod: Record<string, number> = {};
  try {
    const sources = await walk(WEB_DIR);
    for (const file of sources.filter((f) => COPIED.test(f))) {
      const target = join(scratch, relative(WEB_DIR, file));
      await mkdir(dirname(target), { recursive: true });
      await cp(file, target);
    }
    const result = await esbuild.build({
      absWorkingDir: REPO_ROOT,
      entryPoints: PAGE_SCRIPTS.map((p) => join(WEB_DIR, p)),
      outbase: WEB_DIR,
      outdir: scratch,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
      minify: true,
      sourcemap: true,
      legalComments: 'none',
      metafile: true,
      logLevel: 'silent',
      plugins: [dropZodLocales],
    });
    const inputs: Record<string, string> = {};
    const record = async (path: string): Promise<void> => {
      const fp = await fingerprint(path);
      if (fp) inputs[rel(path)] = fp;
    };
    for (const input of Object.keys(result.metafile.inputs)) {
      if (!input.includes('node_modules') && !input.includes(':')) await record(join(REPO_ROOT, input));
    }
    for (const file of sources) if (!file.endsWith('tsconfig.json')) await record(file);
    await writeFile(join(scratch, STAMP_FILE), JSON.stringify({ inputs } satisfies BuildStamp, null, 1));
    zod = zodBytesOf(result.metafile, scratch);
    const previous = `${outDir}.previous-${process.pid}-${Date.now()}`;
    await rename(outDir, previous).catch(() => undefined);
    try {
      await rename(scratch, outDir);
    } catch (error) {
      // Another build (a second runtime starting at the same moment) put its output in place
      // between our two renames: it is built from the same sources, keep it.
      if (!existsSync(join(outDir, STAMP_FILE))) throw error;
      await rm(scratch, { recursive: true, force: true });
    }
    await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw new PagesBuildError(`building the pages from ${rel(WEB_DIR)}/ failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    outDir,
    built: true,
    ms: performance.now() - started,
    files: await sizes(outDir),
    bundles: await bundleSizes(outDir, zod),
  };
};

/** Bytes of each output script that come from zod, by output path relative to the output dir. */
const zodBytesOf = (metafile: esbuild.Metafile, outDir: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (!path.endsWith('.js')) continue;
    const name = relative(outDir, join(REPO_ROOT, path)).split(sep).join('/');
    out[name] = Object.entries(output.inputs)
      .filter(([input]) => /node_modules[\\/]zod[\\/]/.test(input))
      .reduce((sum, [, i]) => sum + i.bytesInOutput, 0);
  }
  return out;
};

const bundleSizes = async (dir: string, zod: Record<string, number> | null): Promise<Record<string, BundleSize>> => {
  const out: Record<string, BundleSize> = {};
  for (const page of PAGE_SCRIPTS) {
    const name = page.replace(/\.ts$/, '.js');
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const content = await readFile(file);
    out[name] = { bytes: content.length, gzipBytes: gzipSync(content).length, zodBytes: zod ? (zod[name] ?? 0) : null };
  }
  return out;
};

const sizes = async (dir: string): Promise<Record<string, number>> => {
  const out: Record<string, number> = {};
  for (const file of await walk(dir))
    if (!file.endsWith(STAMP_FILE)) out[relative(dir, file).split(sep).join('/')] = (await stat(file)).size;
  return out;
};

/** The page sources did not build (a TypeScript syntax error, a missing import…). */
export class PagesBuildError extends Error {
  override readonly name = 'PagesBuildError';
}
