/**
 * Deployment settings, read once from `config.js` (a classic script loaded before the page's
 * module). Empty values fall back to the page's own origin, so the same build works from the
 * local runtime and, with a different config.js, from S3 / CloudFront.
 */
export interface PageConfig {
  /** Prefix for `/api/...` requests, without a trailing slash ('' = same origin). */
  readonly apiBase: string;
  /** The WebSocket endpoint (ws:// or wss://). */
  readonly wsUrl: string;
  /** Where the published booking figures are polled. */
  readonly statsUrl: string;
  /**
   * Where the page gets a bearer token for the name the user picked: `POST {userId}` answered
   * `{token, expiresAt}` — the local runtime's development issuer. '' = none: the page is an
   * anonymous viewer (watches; cannot chat as itself, bid or book).
   */
  readonly tokenUrl: string;
}

interface RawConfig {
  apiBase?: unknown;
  wsUrl?: unknown;
  wsPath?: unknown;
  statsUrl?: unknown;
  tokenUrl?: unknown;
}

declare global {
  interface Window {
    STAMPEDE_CONFIG?: RawConfig;
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** The site root: where config.js lives (the pages sit one folder below it). */
const siteRoot = (): URL => {
  const script = document.querySelector<HTMLScriptElement>('script[src$="config.js"]');
  return new URL('.', script?.src ?? location.href);
};

export const readConfig = (raw: RawConfig | undefined = window.STAMPEDE_CONFIG): PageConfig => {
  const apiBase = text(raw?.apiBase).replace(/\/+$/, '');
  const wsPath = text(raw?.wsPath) || '/ws';
  const sameHostWs = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${wsPath}`;
  return {
    apiBase,
    wsUrl: text(raw?.wsUrl) || sameHostWs,
    statsUrl: text(raw?.statsUrl) || new URL('stats.json', siteRoot()).href,
    tokenUrl: text(raw?.tokenUrl),
  };
};

export const config: PageConfig = readConfig();

/** An absolute URL for an API path such as `/api/stats`. */
export const apiUrl = (path: string): string => `${config.apiBase}${path}`;
