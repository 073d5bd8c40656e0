import { runCommand, type CommandSpec, type ParsedCommandLine } from '../cli/command-line.js';
import { buildPages, DEFAULT_PAGES_DIR, PagesBuildError } from './pages-build.js';

const spec: CommandSpec = {
  command: 'npm run build:web --',
  name: 'build:web',
  summary:
    'Builds the pages (web/) into static files for S3 / CloudFront and prints each file’s size and, for the page ' +
    'scripts, their gzip size and how much of them is zod (none: the pages keep it off their path).',
  flags: [
    {
      name: 'out',
      group: 'Output',
      type: 'string',
      placeholder: 'dir',
      help: 'Where to write the site (replaced whole).',
      default: 'dist/web',
    },
  ],
};

/**
 * `npm run build:web [-- --out dir]`: builds the pages (web/) into static files for S3 /
 * CloudFront. Edit the copied config.js with the deployed API URLs before uploading.
 */
const main = async ({ values }: ParsedCommandLine): Promise<number> => {
  const out = values['out'] as string | undefined;
  const result = await buildPages({ outDir: out ?? DEFAULT_PAGES_DIR, force: true });
  const lines = Object.entries(result.files).map(
    ([file, bytes]) => `  ${file.padEnd(28)} ${(bytes / 1024).toFixed(1).padStart(8)} KB`,
  );
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  const bundles = Object.entries(result.bundles).map(
    ([file, b]) =>
      `  ${file.padEnd(28)} ${kb(b.bytes).padStart(11)}   ${kb(b.gzipBytes).padStart(8)} gzip   zod: ${b.zodBytes === null ? '?' : b.zodBytes === 0 ? 'none' : kb(b.zodBytes)}`,
  );
  console.log(
    [
      `pages built in ${Math.round(result.ms)} ms → ${result.outDir}`,
      ...lines,
      '',
      'Page scripts as a browser downloads them:',
      ...bundles,
      '',
      'To host them: set apiBase / wsUrl / statsUrl in config.js, then upload the folder, e.g.',
      `  aws s3 sync ${result.outDir} s3://<bucket>/public/ --exclude "*.map" --exclude ".build-stamp.json"`,
    ].join('\n'),
  );
  return 0;
};

// A page that does not build (a syntax error in web/) is for whoever edits the pages to fix: one line, exit 2.
await runCommand(spec, main, { isUsage: (error) => error instanceof PagesBuildError });
