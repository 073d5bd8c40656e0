import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { StaticHandler } from '../../adapters/local/local-http-api.js';
import { NOT_FOUND_HTML, wantsHtml } from './not-found.page.js';
import { buildPages, pagesAreStale } from './pages-build.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticSiteOptions {
  /** The built site (pages-build.ts writes it). */
  readonly outDir: string;
  /** The body of `/config.js`: the endpoints the pages talk to. */
  readonly configScript: () => string;
  /** True for a path the HTTP API answers: a browser asking for it gets the API's answer, not the 404 page. */
  readonly isApiPath: (path: string) => boolean;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

const send = (req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string): void => {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
};

/**
 * Serves the pages (web/, built by esbuild into `outDir`) on every path outside /api/: `/` the
 * index, `/live/` and `/booking/`, plus a generated `/config.js`; a browser asking for any other
 * path that is not an API route gets a small 404 page. The site is built first when a source
 * changed, and again when an HTML page is requested after an edit, so a reload shows the edit.
 */
export const staticSite = async (options: StaticSiteOptions): Promise<StaticHandler> => {
  const { logger, configScript, isApiPath } = options;
  const outDir = resolve(options.outDir);
  const first = await buildPages({ outDir });
  if (first.built)
    logger.info('pages built', { outDir, ms: Math.round(first.ms), files: Object.keys(first.files).length });

  let rebuilding: Promise<unknown> | null = null;
  const upToDate = async (): Promise<void> => {
    rebuilding ??= (async () => {
      try {
        if (await pagesAreStale(outDir)) await buildPages({ outDir });
      } catch (error) {
        // Keep serving the last good build; the log says what to fix.
        logger.error('rebuilding the pages failed; serving the previous build', { error });
      } finally {
        rebuilding = null;
      }
    })();
    await rebuilding;
  };

  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = url.pathname;
    if (path === '/config.js') {
      send(req, res, 200, CONTENT_TYPES['.js'] as string, configScript());
      return true;
    }
    // `/live` → `/live/`, so the page's relative links (../styles.css, main.js) resolve.
    if (!path.endsWith('/') && !extname(path)) {
      const dir = await stat(join(outDir, path)).catch(() => null);
      if (dir?.isDirectory()) {
        res.writeHead(301, { location: `${path}/${url.search}` }).end();
        return true;
      }
    }
    let file: string;
    try {
      file = resolve(outDir, `.${decodeURIComponent(path)}${path.endsWith('/') ? 'index.html' : ''}`);
    } catch {
      return false; // malformed escape: let the API answer 404
    }
    if (file !== outDir && !file.startsWith(outDir + sep)) return false; // ../ escapes stay out
    if (file.endsWith('.html')) await upToDate();
    const info = await stat(file).catch(() => null);
    if (!info?.isFile() || file.endsWith('.build-stamp.json')) {
      // A browser asking for a page that is neither a file nor an API route gets a page, not JSON.
      if (!wantsHtml(req.headers.accept) || isApiPath(path)) return false;
      send(req, res, 404, CONTENT_TYPES['.html'] as string, NOT_FOUND_HTML);
      return true;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    // pipeline, not pipe: a read error (the file removed by a rebuild since stat) ends this
    // response instead of going unhandled; a client that leaves early is not worth a log line.
    else
      pipeline(createReadStream(file), res, (error) => {
        if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
          logger.warn('page file could not be read; the response was cut', { file, error });
      });
    return true;
  };
};
