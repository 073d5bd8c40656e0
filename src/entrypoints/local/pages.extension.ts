import { makeChannelDirectoryRoutes } from './channel-directory.routes.js';
import { DEFAULT_PAGES_DIR } from '../pages/pages-build.js';
import { staticSite } from '../pages/static-site.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import type { LocalEventApiEndpoints } from './appsync-events.broadcaster.js';
import type { LocalConfig } from './local-config.js';
import type { LocalRuntimeExtension } from './local-extensions.js';

export interface PagesOptions {
  /** Where the built site lives (default dist/web). */
  readonly outDir?: string;
}

/**
 * The local runtime's config.js: same-origin API, the runtime's own WebSocket path, tokens from
 * its development issuer, and the broadcaster it runs (`--broadcaster`): with `appsync-events`,
 * the stand-in's endpoints (and its API key when anonymous viewers may watch). Deployed pages
 * get theirs from web/config.js, edited with the AWS endpoints.
 */
export const configScript = (config: LocalConfig, eventApi: LocalEventApiEndpoints | null): string => {
  const settings = {
    apiBase: '',
    wsUrl: '',
    wsPath: config.wsPath,
    statsUrl: '',
    tokenUrl: '/api/dev/tokens',
    broadcaster: eventApi ? 'appsync-events' : 'apigateway',
    ...(eventApi
      ? {
          eventApi: {
            realtimeUrl: eventApi.realtimeUrl,
            httpEndpoint: eventApi.httpEndpoint,
            namespace: eventApi.namespace,
            apiKey: config.allowAnonymousViewers ? eventApi.apiKey : '',
          },
        }
      : {}),
  };
  return `// served by the local runtime (npm start)\nwindow.STAMPEDE_CONFIG = ${JSON.stringify(settings)};\n`;
};

/**
 * The pages in `npm start` (static-site.ts: the site, `/config.js`, the 404 page; the booking
 * feature serves `/stats.json`) and `GET /api/channels`, the list the live room picks from.
 */
export const pagesExtension = (options: PagesOptions = {}): LocalRuntimeExtension => ({
  name: 'pages',
  modules: [
    bindingsModule((bind) =>
      bind(TOKENS.HttpRoutes, (get) =>
        makeChannelDirectoryRoutes({
          store: get(TOKENS.EventStore),
          snapshot: get(TOKENS.ChannelSnapshot),
          onUnexpected: (error) => get(TOKENS.Logger).error('unexpected error listing channels', { error }),
        }),
      ),
    ),
  ],
  async setup({ config, eventApi, container, logger, addStaticHandler }) {
    addStaticHandler(
      await staticSite({
        outDir: options.outDir ?? DEFAULT_PAGES_DIR,
        configScript: () => configScript(config, eventApi),
        isApiPath: (path) => container.get(TOKENS.HttpRouter).hasPath(path),
        logger,
      }),
    );
  },
});
