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
  /**
   * How the live room receives its feed (the stack's `-c broadcaster`): frames over the
   * WebSocket API (`apigateway`), or a subscription to the AppSync Event API
   * (`appsync-events`, with `eventApi`). Chat and likes follow: frames on the WebSocket, or
   * POSTs to the HTTP API.
   */
  readonly broadcaster: 'apigateway' | 'appsync-events';
  /** The Event API, with `appsync-events` (the stack's EventApiRealtimeUrl / EventApiHttpEndpoint outputs). */
  readonly eventApi: EventApiConfig | null;
}

export interface EventApiConfig {
  /** wss://<realtime DNS>/event/realtime */
  readonly realtimeUrl: string;
  /** The HTTP endpoint's host (<http DNS>): the subscription's auth names it. */
  readonly host: string;
  readonly namespace: string;
  /** The anonymous viewers' API key (EventApiViewerKey), '' when watching needs a token. */
  readonly apiKey: string;
}

interface RawConfig {
  broadcaster?: unknown;
  eventApi?: { realtimeUrl?: unknown; httpEndpoint?: unknown; namespace?: unknown; apiKey?: unknown };
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
    ...transportOf(raw),
  };
};

/** The feed transport: `appsync-events` only with a usable realtime URL and HTTP endpoint, else the WebSocket API. */
const transportOf = (raw: RawConfig | undefined): Pick<PageConfig, 'broadcaster' | 'eventApi'> => {
  if (text(raw?.broadcaster) !== 'appsync-events') return { broadcaster: 'apigateway', eventApi: null };
  const realtimeUrl = text(raw?.eventApi?.realtimeUrl);
  let host = '';
  try {
    host = new URL(text(raw?.eventApi?.httpEndpoint)).host;
  } catch {
    // no or bad endpoint: reported below
  }
  if (!/^wss?:\/\//.test(realtimeUrl) || host === '') {
    console.error('config.js: broadcaster appsync-events needs eventApi.realtimeUrl and eventApi.httpEndpoint');
    return { broadcaster: 'apigateway', eventApi: null };
  }
  return {
    broadcaster: 'appsync-events',
    eventApi: {
      realtimeUrl,
      host,
      namespace: text(raw?.eventApi?.namespace) || 'live',
      apiKey: text(raw?.eventApi?.apiKey),
    },
  };
};

export const config: PageConfig = readConfig();

/** An absolute URL for an API path such as `/api/stats`. */
export const apiUrl = (path: string): string => `${config.apiBase}${path}`;
