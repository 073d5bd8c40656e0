import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { join, resolve as resolvePath } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Container } from 'inversify';
import { EdgePressure } from '../../adapters/local/edge-pressure.js';
import { CachingTokenVerifier } from '../../adapters/jwt/caching-token-verifier.js';
import { JoseTokenVerifier } from '../../adapters/jwt/token-verifier-adapter-jose.js';
import { DEV_SIGNING_KEY_FILE, DevTokenIssuer } from '../../adapters/local/dev-token-issuer.js';
import { LocalHttpApi } from '../../adapters/local/local-http-api.js';
import { makeLocalJwtAuthorizer } from '../../adapters/local/local-jwt-authorizer.js';
import { LocalWebSocketApi } from '../../adapters/local/local-websocket-api.js';
import { bindingsModule, setting, TOKENS } from '../composition/tokens.js';
import { makeWsAuthorizerHandler } from '../handlers/ws-authorizer.js';
import { errorResponse, json, MAX_HTTP_BODY_BYTES, PayloadTooLargeError } from '../http/api-route.js';
import { DEV_IDENTITY_PREFIX, makeDevIdentityRoutes } from './dev-identity.routes.js';
import { requiresToken } from '../http/route-access.js';
import { startLocalEventApi, type LocalEventApi } from './appsync-events.broadcaster.js';
import { localWsAuthorizer } from './local-ws-authorizer.js';
import { LOCAL_BACKENDS } from './local-backends.js';
import { LocalConfigError, parseLocalConfig, type LocalConfig, type LocalConfigInput } from './local-config.js';
import type {
  FeatureParts,
  LocalBackend,
  LocalRuntimeContext,
  LocalRuntimeExtension,
  RunningEventSource,
} from './local-extensions.js';
import { LOCAL_FEATURES } from './local-features.js';
import { liveFeature } from './live.feature.js';
import { LOCAL_TOKENS, localRoot } from './local.container.js';

type WsRouteHandler = (event: APIGatewayProxyWebsocketEventV2) => Promise<APIGatewayProxyResultV2>;

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
  /** With `--broadcaster appsync-events`: the AppSync Events stand-in viewers subscribe to. */
  readonly eventApi: LocalEventApi | null;
  /**
   * The development issuer (local only): signs demo tokens for any user id. Tests and the demo
   * use `devTokens.issue('alice')`; pages use `POST /api/dev/tokens`.
   */
  readonly devTokens: DevTokenIssuer;
  /** Resolves once every event source is idle (nothing buffered, nothing in flight) for a moment. */
  whenIdle(options?: { timeoutMs?: number; settleMs?: number }): Promise<void>;
  /**
   * Backend calls made so far to deliver frames: PostToConnection calls (apigateway) or
   * publish requests to the Event API stand-in (appsync-events). The fan-out bench divides them
   * by the frames delivered.
   */
  deliveryCalls(): number;
  /** The one-line progress summary. */
  progress(): string;
  /** Closes connections and servers, stops the event sources; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * `GET /api/status` of the local runtime (the progress line as JSON; README, "The progress line").
 * Per stage: records handled, invocations, `backlog` (records behind the checkpoint of a stream,
 * or visible + in flight + delayed messages of a queue) and `dlq` (messages in the queue's
 * dead-letter queue, or records a stream stage gave up on after its retries).
 */
export interface LocalStatus {
  readonly status: 'ok' | 'starting';
  readonly connections: {
    readonly websocket: number;
    readonly joined?: number;
    readonly channels?: number;
    readonly posts: number;
  } | null;
  readonly stages: ReadonlyArray<{
    readonly name: string;
    readonly records: number;
    readonly invocations: number;
    readonly backlog: number;
    readonly dlq: number;
    readonly failedInvocations: number;
  }>;
  /** Broadcast messages in the broadcast queue's DLQ (memory backend). */
  readonly broadcastDlq?: number;
  /** How long the booking consumer waited, in total, for request spikes to pass (EdgePressure). */
  readonly heldForEdgeMs?: number;
}

/**
 * Starts the whole system in this process, as it runs on AWS but with local stand-ins: an
 * HTTP server that turns requests into API Gateway v2 events for the `http-api` handler, a
 * WebSocket server producing `$connect` / `$default` / `$disconnect` route events (its posts
 * go to the real sockets), and the event-source emulation feeding `relay`, `fanout` and
 * `broadcast`. Port 0 picks a free port (tests).
 */
export const startLocalRuntime = async (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> => {
  const { extensions: others = LOCAL_FEATURES, backends = {}, onProgress, ...settings } = options;
  // Live commerce first: every other feature writes through its event store.
  const extensions = [liveFeature, ...others];
  const config = parseLocalConfig(settings);
  const backendFactory = { ...LOCAL_BACKENDS, ...backends }[config.backend];
  if (!backendFactory) {
    throw new LocalConfigError(
      `--backend / STAMPEDE_BACKEND: no backend "${config.backend}" in this build; pick one of ${Object.keys({ ...LOCAL_BACKENDS, ...backends }).join(', ')}`,
    );
  }
  const backend = await backendFactory(config);
  // What extensions register to run on stop; also run if the start fails half-way.
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    // Each feature's ports and event sources on this backend (on the emulators: made one after another).
    const parts: Array<FeatureParts | undefined> = [];
    for (const extension of extensions) parts.push(await backend.partsOf(extension));

    // Identity as in AWS, with a throwaway issuer: tokens are verified by the same code (jose,
    // issuer, audience, expiry) on the HTTP routes that need one and on every WebSocket $connect.
    // With a data dir the key is kept there, so tokens issued before a restart stay valid.
    const devTokens = await DevTokenIssuer.create(
      config.dataDir ? { keyFile: join(resolvePath(config.dataDir), DEV_SIGNING_KEY_FILE) } : {},
    );
    // Verified tokens are kept until they expire: a client sends the same one with every request.
    const verifier = new CachingTokenVerifier(
      new JoseTokenVerifier({ issuer: devTokens.issuer, audience: devTokens.audience, keys: devTokens.publicKeys() }),
    );
    const eventApi = config.broadcaster === 'appsync-events' ? await startLocalEventApi(config, verifier) : null;
    if (eventApi) cleanups.push(() => eventApi.stop());

    const logger = new Logger({ serviceName: 'stampede', logLevel: config.logLevel });
    // The WebSocket API needs the handlers and the handlers need its gateway: the routes resolve lazily.
    const resolve = <T>(token: symbol): T => container.get<T>(token);
    const wsAuthorizer = makeWsAuthorizerHandler({ verifier, allowAnonymous: config.allowAnonymousViewers, logger });
    const api = new LocalWebSocketApi({
      path: config.wsPath,
      outgoingBuffer: {
        maxBufferedBytes: config.wsMaxBufferedBytes,
        slowConsumerGraceMs: config.wsSlowConsumerGraceMs,
      },
      // The ws-authorizer Lambda's own handler, over the development issuer's keys.
      authorizer: localWsAuthorizer(wsAuthorizer),
      routes: {
        connect: (e) => resolve<WsRouteHandler>(TOKENS.WsConnectHandler)(e),
        disconnect: (e) => resolve<WsRouteHandler>(TOKENS.WsDisconnectHandler)(e),
        message: (e) => resolve<WsRouteHandler>(TOKENS.WsMessageHandler)(e),
      },
      onError: (error, context) => logger.error('WebSocket route failed', { ...context, error }),
      // A client's doing (refused handshake, oversized frame, slow consumer): INFO and no stack, or anyone could flood the error log.
      onRefused: (reason, context) => logger.info('WebSocket client refused', { ...context, reason }),
    });
    // Local only: the development issuer's routes (never in a Lambda's container).
    const devIdentity = bindingsModule((bind) =>
      bind(TOKENS.HttpRoutes, () =>
        makeDevIdentityRoutes({
          issuer: devTokens,
          onUnexpected: (error) => logger.error('dev token route failed', { error }),
        }),
      ),
    );
    // Local only: GET /api/status, what the progress line says as JSON (filled in once the
    // event sources exist; a request before that cannot arrive, the server is not listening yet).
    let status: () => LocalStatus = () => ({ status: 'starting', connections: null, stages: [] });
    const statusRoutes = bindingsModule((bind) =>
      bind(TOKENS.HttpRoutes, () => ({
        'GET /api/status': async () => ({
          ...json(200, status()),
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        }),
      })),
    );
    const container: Container = localRoot(config, logger, [
      statusRoutes,
      bindingsModule(setting(LOCAL_TOKENS.Sockets, api)),
      devIdentity,
      ...extensions.flatMap((e, i) => [...(e.modules ?? []), ...(parts[i]?.ports ?? [])]),
      ...(eventApi ? [eventApi.module] : []),
    ]);
    // The booking consumer yields to this edge while a spike of requests arrives (as its own Lambda would not compete).
    const edgePressure = new EdgePressure();
    const httpApi = new LocalHttpApi({
      handler: container.get(TOKENS.HttpApiHandler),
      authorize: makeLocalJwtAuthorizer({ verifier, requiresToken, publicPathPrefixes: [DEV_IDENTITY_PREFIX] }),
      maxBodyBytes: MAX_HTTP_BODY_BYTES,
      // The same 413 the router gives (an HTTP API's function sees at most 64 KiB).
      tooLarge: (bytes) => errorResponse(new PayloadTooLargeError(bytes, MAX_HTTP_BODY_BYTES), () => undefined),
      onRequest: () => edgePressure.requestArrived(),
      onError: (error, path) => logger.error('local HTTP server failed', { path, error }),
    });
    const { server } = httpApi;
    api.attach(server);

    const sources: RunningEventSource[] = [];
    const context: LocalRuntimeContext = {
      container,
      config,
      server,
      logger,
      devTokens,
      eventApi,
      edgePressure,
      addEventSource: (source) => sources.push(source),
      addStaticHandler: (handler) => httpApi.addStaticHandler(handler),
      onStop: (cleanup) => cleanups.push(cleanup),
      every: (ms, what, job) => {
        const timer = setInterval(() => {
          job().catch((error: unknown) => logger.warn(`${what} failed; the next tick retries`, { error }));
        }, ms);
        timer.unref();
        cleanups.push(() => clearInterval(timer));
      },
    };
    for (const [i, extension] of extensions.entries()) {
      sources.push(...(parts[i]?.sources?.(context) ?? []));
      await extension.setup?.(context);
    }

    // The in-memory registry and broadcast queue count only when the backend uses them (not with
    // --backend emulators, where they live in DynamoDB Local and fauxqs): a zero there would mislead.
    const registry = container.isBound(LOCAL_TOKENS.ConnectionRegistry)
      ? container.get(LOCAL_TOKENS.ConnectionRegistry)
      : null;
    const broadcastQueue = container.isBound(LOCAL_TOKENS.BroadcastQueue)
      ? container.get(LOCAL_TOKENS.BroadcastQueue)
      : null;
    const port = await httpApi.listen(config.port, config.host);
    for (const source of sources) source.start();
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}`;
    const wsUrl = `ws://${host}:${port}${config.wsPath}`;

    status = () => {
      const stats = registry?.stats();
      return {
        status: 'ok',
        connections: {
          websocket: api.connectionCount,
          ...(stats ? { joined: stats.connections, channels: stats.channels } : {}),
          posts: api.postCount,
        },
        stages: sources.map((s) => {
          const { records, invocations, backlog, discarded: dlq, failedInvocations } = s.stats();
          return { name: s.name, records, invocations, backlog, dlq, failedInvocations };
        }),
        ...(broadcastQueue?.deadLetterQueue ? { broadcastDlq: broadcastQueue.deadLetterQueue.counts().total } : {}),
        heldForEdgeMs: Math.round(edgePressure.totalDeferredMs),
      };
    };
    const progress = (): string => {
      const { connections: c, stages, broadcastDlq = 0, heldForEdgeMs = 0 } = status();
      const joined = c?.joined === undefined ? '' : ` joined=${c.joined} channels=${c.channels}`;
      const parts = stages.map(
        (st) =>
          `${st.name} ${st.records}rec/${st.invocations}inv backlog=${st.backlog}` +
          (st.failedInvocations > 0 ? ` fail=${st.failedInvocations}` : '') +
          (st.dlq > 0 ? ` dlq=${st.dlq}` : ''),
      );
      const events = eventApi?.standIn.stats();
      const pubsub = events
        ? ` | event-api subs=${events.subscriptions} publishes=${events.publishRequests} data=${events.deliveries}`
        : '';
      const edgeFirst = heldForEdgeMs >= 100 ? ` | edge-first held=${(heldForEdgeMs / 1000).toFixed(1)}s` : '';
      return `[stampede] ws=${c?.websocket}${joined} posts=${c?.posts}${pubsub} | ${parts.join(' | ')}${broadcastDlq > 0 ? ` | broadcast-dlq=${broadcastDlq}` : ''}${edgeFirst}`;
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
        const closed = httpApi.close();
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

    return {
      url,
      wsUrl,
      port,
      config,
      container,
      eventSources: sources,
      backend: [backend.description, ...parts.flatMap((p) => p?.description ?? [])].join('; '),
      eventApi,
      devTokens,
      whenIdle,
      progress,
      stop,
      deliveryCalls: () => (eventApi ? eventApi.standIn.stats().publishRequests : api.postCount),
    };
  } catch (error) {
    // A start that fails after the backend is up (a port in use, an extension's setup) must not
    // leave the emulators, Redis clients or timers behind: the caller gets the error and nothing else.
    for (const cleanup of cleanups)
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
    await backend.stop().catch(() => undefined);
    throw error;
  }
};
