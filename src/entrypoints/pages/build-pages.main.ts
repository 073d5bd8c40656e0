import { parseArgs } from 'node:util';
import { buildPages, DEFAULT_PAGES_DIR } from './pages-build.js';

/**
 * `npm run build:web [-- --out dir]`: builds the pages (web/) into static files for S3 /
 * CloudFront. Edit the copied config.js with the deployed API URLs before uploading.
 */
const main = async (): Promise<void> => {
  const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
  const result = await buildPages({ outDir: values.out ?? DEFAULT_PAGES_DIR, force: true });
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
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
