import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayProxyWebsocketEventV2,
} from 'aws-lambda';
import { ContainerModule } from 'inversify';
import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import type { InMemoryConnectionGateway } from '../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { JoseTokenVerifier } from '../../src/adapters/jwt/token-verifier-adapter-jose.js';
import { DevTokenIssuer } from '../../src/adapters/local/dev-token-issuer.js';
import { createLocalContainer } from '../../src/entrypoints/local/local.container.js';
import { TOKENS } from '../../src/entrypoints/composition/tokens.js';
import { makeWsAuthorizerHandler } from '../../src/entrypoints/handlers/ws-authorizer.js';
import { auctionFeature } from '../../src/entrypoints/local/auction.feature.js';
import { bookingFeature } from '../../src/entrypoints/local/booking.feature.js';
import { parseLocalConfig, type LocalConfigInput } from '../../src/entrypoints/local/local-config.js';
import { makeLocalJwtAuthorizer } from '../../src/adapters/local/local-jwt-authorizer.js';
import { requiresToken } from '../../src/entrypoints/http/route-access.js';
import { presenceFeature } from '../../src/entrypoints/local/presence.feature.js';
import { recommendFeature } from '../../src/entrypoints/local/recommend.feature.js';
import { integrationFeature } from '../../src/entrypoints/local/integration.feature.js';
import { httpEvent } from '../entrypoints/http-test-events.js';

export const SYSTEM_T0 = 1_800_000_000_000;

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * Every feature's handlers over in-memory twins in one container (no servers, no event
 * sources: queues are driven by hand), a fake clock, and identity as the local runtime does it:
 * a development issuer, the HTTP JWT authorizer in front of the router and the ws-authorizer
 * handler for $connect. What the handler factories get in a Lambda, minus AWS.
 */
export const inMemorySystem = async (
  settings: Partial<LocalConfigInput> = {},
  options: { readonly modules?: readonly ContainerModule[] } = {},
) => {
  const clock = new FakeClock(SYSTEM_T0);
  const config = parseLocalConfig({ logLevel: 'SILENT', ...settings });
  const fixedClock = new ContainerModule(({ rebind }) => {
    rebind(TOKENS.Clock).toConstantValue(clock);
  });
  const container = createLocalContainer({
    config,
    startedAt: SYSTEM_T0,
    modules: [
      ...[presenceFeature, bookingFeature, auctionFeature, recommendFeature, integrationFeature].flatMap((f) => [
        ...(f.modules ?? []),
        ...(f.memory?.ports ?? []),
      ]),
      fixedClock,
      ...(options.modules ?? []),
    ],
  });
  const issuer = await DevTokenIssuer.create();
  const verifier = new JoseTokenVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    keys: issuer.publicKeys(),
    now: () => clock.now(),
  });
  const authorizeHttp = makeLocalJwtAuthorizer({ verifier, requiresToken });
  const router = container.get(TOKENS.HttpApiHandler);
  const wsAuthorizer = makeWsAuthorizerHandler({
    verifier,
    allowAnonymous: config.allowAnonymousViewers,
    logger: silent,
  });
  const gateway = container.get(TOKENS.ConnectionGateway) as InMemoryConnectionGateway;
  const tokens = new Map<string, string>();

  /** A token for `userId` signed by the system's issuer, valid at the fake clock's time. */
  const tokenFor = async (userId: string): Promise<string> => {
    const known = tokens.get(userId);
    if (known) return known;
    const { token } = await issuer.issue(userId, { now: clock.now(), ttlSeconds: 86_400 });
    tokens.set(userId, token);
    return token;
  };

  /** An HTTP API event through the JWT authorizer and the router, as API Gateway and http-api would run it. */
  const httpRaw = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const authorized = await authorizeHttp(event);
    return 'response' in authorized ? authorized.response : router(authorized.event);
  };

  /** `http('POST /api/channels', { body, token | as })`: a route key with its path parameters filled. */
  const http = async (
    routeKey: string,
    options: Parameters<typeof httpEvent>[1] & { token?: string; headers?: Record<string, string> } = {},
  ) => {
    const { as, token: given, headers, ...rest } = options;
    const token = given ?? (as === undefined ? undefined : await tokenFor(as));
    const base = httpEvent(routeKey, rest);
    // Concrete paths, as API Gateway's $default route would pass them (the router matches them).
    const event: APIGatewayProxyEventV2 = {
      ...base,
      routeKey: '$default',
      headers: { ...base.headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
      requestContext: { ...base.requestContext, routeKey: '$default' },
    };
    delete (event as { pathParameters?: unknown }).pathParameters;
    const result = await httpRaw(event);
    let body: Record<string, any> | undefined;
    try {
      body = result.body ? (JSON.parse(result.body) as Record<string, any>) : undefined;
    } catch {
      body = { raw: result.body };
    }
    return { status: result.statusCode ?? 200, headers: result.headers ?? {}, body };
  };

  let connections = 0;
  const wsContext = (connectionId: string, routeKey: string, authorizer: Record<string, unknown> | null) => ({
    routeKey,
    eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
    messageId: `m-${connectionId}`,
    extendedRequestId: 'x',
    requestTime: '',
    messageDirection: 'IN',
    stage: 'test',
    connectedAt: clock.now(),
    requestTimeEpoch: clock.now(),
    requestId: 'r',
    domainName: 'localhost',
    connectionId,
    apiId: 'test',
    ...(authorizer ? { authorizer } : {}),
  });

  /**
   * A WebSocket connection as API Gateway makes one: the authorizer runs on the handshake's
   * query string (`token`), then $connect; frames go to $default with the authorizer's context.
   * Resolves to the connection, or to the refusal (401 from the authorizer, or $connect's status).
   */
  const connect = async (query: Record<string, string> = {}) => {
    const connectionId = `conn-${++connections}`;
    let authorizer: Record<string, unknown>;
    try {
      const result = await wsAuthorizer({
        methodArn: 'arn:aws:execute-api:test:0:api/test/$connect',
        headers: { Host: 'localhost' },
        queryStringParameters: query,
      });
      authorizer = { principalId: result.principalId, ...(result.context ?? {}) };
    } catch (error) {
      return { refused: 401, reason: (error as Error).message } as const;
    }
    const event = (routeKey: string, body?: string) =>
      ({
        requestContext: wsContext(connectionId, routeKey, authorizer),
        isBase64Encoded: false,
        ...(body === undefined ? {} : { body }),
      }) as unknown as APIGatewayProxyWebsocketEventV2;
    const connected = (await container.get(TOKENS.WsConnectHandler)(event('$connect'))) as {
      statusCode?: number;
      body?: string;
    };
    if ((connected.statusCode ?? 200) >= 300)
      return { refused: connected.statusCode ?? 500, reason: connected.body ?? '' } as const;
    // API Gateway opens the connection once $connect answered 2xx, and closes it before $disconnect runs.
    gateway.connect(connectionId);
    const message = container.get(TOKENS.WsMessageHandler);
    return {
      refused: null,
      connectionId,
      /** Sends a frame (an object is JSON-encoded) and resolves once it was handled. */
      send: async (frame: unknown) =>
        message(event('$default', typeof frame === 'string' ? frame : JSON.stringify(frame))),
      frames: () => gateway.parsedFramesOf<Record<string, any>>(connectionId),
      close: async () => {
        gateway.markGone(connectionId);
        return container.get(TOKENS.WsDisconnectHandler)(event('$disconnect'));
      },
    } as const;
  };
  const connectAs = async (userId: string) => {
    const c = await connect({ token: await tokenFor(userId) });
    if (c.refused !== null) throw new Error(`connection of ${userId} refused: ${c.refused} ${c.reason}`);
    return c;
  };

  return {
    clock,
    config,
    container,
    issuer,
    verifier,
    tokenFor,
    http,
    httpRaw,
    connect,
    connectAs,
    gateway,
    wsAuthorizer,
  };
};
export type InMemorySystem = Awaited<ReturnType<typeof inMemorySystem>>;
