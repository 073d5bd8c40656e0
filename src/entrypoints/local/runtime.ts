import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from 'inversify';
import { LocalWebSocketApi } from '../../adapters/local/local-websocket-api.js';
import { createLocalContainer, LOCAL_TOKENS } from '../composition/local.container.js';
import { TOKENS } from '../composition/tokens.js';
import { devAuthorizer } from './dev-authorizer.js';
import { BodyTooLargeError, readRequestBody, toHttpApiEvent, writeHttpApiResult } from './http-event.js';
import { LOCAL_BACKENDS } from './local-backends.js';
import { parseLocalConfig, type LocalConfig, type LocalConfigInput } from './local-config.js';
import type { LocalBackend, LocalRuntimeExtension, RunningEventSource, StaticHandler } from './local-extensions.js';
import { LOCAL_FEATURES } from './local-features.js';

export interface LocalRuntimeOptions extends Partial<LocalConfigInput> {
  /** Features to wire in addition to live commerce (default: `LOCAL_FEATURES`). */
  readonly extensions?: readonly LocalRuntimeExtension[];
  /** Backends `backend` may name, in addition to the registered ones. */
  readonly backends?: Readonly<Record<string, LocalBackend>>;
  /** Called with the progress line (default: console.log when progressIntervalMs > 0). */
  readonly onProgress?: (line: string) => void;
}

export interface LocalRuntime {
  /** http://host:port */
  readonly url: string;
  /** ws://host:port/ws */
  readonly wsUrl: string;
  readonly port: number;
  readonly config: LocalConfig;
  readonly container: Container;
  readonly eventSources: readonly RunningEventSource[];
  readonly backend: string;
  /** Resolves once every event source is idle (nothing buffered, nothing in flight) for a moment. */
  whenIdle(options?: { timeoutMs?: number; settleMs?: number }): Promise<void>;
  /** The one-line progress summary. */
  progress(): string;
  /** Closes connections and servers, stops the event sources; safe to call twice. */
  stop(): Promise<void>;
}

const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

/**
 * Starts the whole system in this process, as it runs on AWS but with local stand-ins: an
 * HTTP server that turns requests into API Gateway v2 events for the `http-api` handler, a
 * WebSocket server producing `$connect` / `$default` / `$disconnect` route events (its posts
 * go to the real sockets), and the event-source emulation feeding `relay`, `fanout` and
 * `broadcast`. Port 0 picks a free port (tests).
 */
export const startLocalRuntime = async (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> => {
  const { extensions = LOCAL_FEATURES, backends = {}, onProgress, ...settings } = options;
  const config = parseLocalConfig(settings);
  const backendFactory = { ...LOCAL_BACKENDS, ...backends }[config.backend];
  if (!backendFactory) {
    throw new Error(`backend '${config.backend}' is not available in this build; known: ${Object.keys({ ...LOCAL_BACKENDS, ...backends }).join(', ')}`);
  }
  const backend = await backendFactory(config);

  // The WebSocket API needs the handlers and the handlers need its gateway: the routes resolve lazily.
  let container: Container | undefined;
  const resolve = <T>(token: symbol): T => (container as Container).get<T>(token);
  const api = new LocalWebSocketApi({
    path: config.wsPath,
    // Trusts ?userId= (local only; the deployed ws-authorizer verifies a signed token).
    authorizer: devAuthorizer,
    routes: {
      connect: (e) => resolve<typeof wsConnect>(TOKENS.WsConnectHandler)(e),
      disconnect: (e) => resolve<typeof wsConnect>(TOKENS.WsDisconnectHandler)(e),
      message: (e) => resolve<typeof wsConnect>(TOKENS.WsMessageHandler)(e),
    },
    onError: (error, context) => resolve<typeof logger>(TOKENS.Logger).error('WebSocket route failed', { ...context, error }),
  });
  container = createLocalContainer({
    config,
    gateway: api,
    modules: [...backend.modules, ...extensions.flatMap((e) => e.modules ?? [])],
  });
  const logger = container.get(TOKENS.Logger);
  const wsConnect = container.get(TOKENS.WsConnectHandler);
  const http = container.get(TOKENS.HttpApiHandler);

  const statics: StaticHandler[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    void (async () => {
      try {
        if (!url.pathname.startsWith('/api/')) {
          for (const handler of statics) if (await handler(req, res, url)) return;
        }
        const body = await readRequestBody(req);
        writeHttpApiResult(res, await http(toHttpApiEvent(req, body, url)));
      } catch (error) {
        if (res.headersSent) return;
        const tooLarge = error instanceof BodyTooLargeError;
        if (!tooLarge) logger.error('local HTTP server failed', { path: url.pathname, error });
        res
          .writeHead(tooLarge ? 413 : 500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL', message: tooLarge ? 'request body too large' : 'unexpected error' } }));
      }
    })();
  });
  api.attach(server);

  const sources: RunningEventSource[] = backend.eventSources({ container, config, logger });
  const cleanups: Array<() => Promise<void> | void> = [];
  for (const extension of extensions) {
    await extension.setup?.({
      container,
      config,
      server,
      logger,
      addEventSource: (source) => sources.push(source),
      addStaticHandler: (handler) => statics.push(handler),
      onStop: (cleanup) => cleanups.push(cleanup),
    });
  }

  const port = await listen(server, config.port, config.host);
  for (const source of sources) source.start();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  const wsUrl = `ws://${host}:${port}${config.wsPath}`;

  const registry = container.get(LOCAL_TOKENS.ConnectionRegistry);
  const broadcastQueue = container.get(LOCAL_TOKENS.BroadcastQueue);
  const progress = (): string => {
    const { connections, channels } = registry.stats();
    const parts = sources.map((s) => {
      const st = s.stats();
      const faults = st.failedInvocations + st.injectedCrashes > 0 ? ` fail=${st.failedInvocations}` : '';
      return `${s.name} ${st.records}rec/${st.invocations}inv backlog=${st.backlog}${faults}${st.discarded > 0 ? ` dlq=${st.discarded}` : ''}`;
    });
    const dlq = broadcastQueue.deadLetterQueue?.counts().total ?? 0;
    return `[stampede] ws=${api.connectionCount} joined=${connections} channels=${channels} posts=${api.postCount} | ${parts.join(' | ')}${dlq > 0 ? ` | broadcast-dlq=${dlq}` : ''}`;
  };
  const print = onProgress ?? ((line: string) => console.log(line));
  let lastLine = '';
  const timer =
    config.progressIntervalMs > 0
      ? setInterval(() => {
          const line = progress();
          // Quiet when nothing moves: one line per change, not per tick.
          if (line !== lastLine) print(line);
          lastLine = line;
        }, config.progressIntervalMs)
      : null;
  timer?.unref();

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (timer) clearInterval(timer);
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await api.close();
      await Promise.all(sources.map((s) => s.stop()));
      for (const cleanup of cleanups) await cleanup();
      await backend.stop();
      await closed;
    })();
    return stopping;
  };

  const whenIdle = async ({ timeoutMs = 30_000, settleMs = 50 } = {}): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let quietSince: number | null = null;
    for (;;) {
      const idle = sources.every((s) => s.isIdle());
      if (idle) {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= settleMs) return;
      } else quietSince = null;
      if (Date.now() > deadline) throw new Error(`event sources still busy after ${timeoutMs} ms: ${progress()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  return { url, wsUrl, port, config, container, eventSources: sources, backend: backend.description, whenIdle, progress, stop };
};
