import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { AUTHENTICATED_GET_PATHS, TOKEN_METHODS } from '../src/entrypoints/http/route-access.js';
import type { Functions } from './functions.construct.js';

/** The WebSocket stage name: part of the viewer URL and of WS_MANAGEMENT_ENDPOINT. */
export const WEBSOCKET_STAGE = 'live';

/** The query-string parameter carrying the viewer's JWT on $connect (browsers cannot set headers on a WebSocket). */
export const WEBSOCKET_TOKEN_PARAMETER = 'token';

/**
 * Which requests need a token comes from the one list the local runtime also enforces
 * (src/entrypoints/http/route-access.ts): methods that change state, and reads of what a user
 * owns. Everything else is public — anonymous viewers watch.
 */
export const WRITE_METHODS: apigwv2.HttpMethod[] = TOKEN_METHODS.map((m) => apigwv2.HttpMethod[m]);
export { AUTHENTICATED_GET_PATHS };

export interface IdentityProps {
  /** OIDC issuer URL (e.g. a Cognito user pool: https://cognito-idp.<region>.amazonaws.com/<pool-id>). */
  readonly issuerUrl: string;
  /** Expected `aud` (for Cognito access tokens: the app client id). */
  readonly audience: string;
  /** Viewers without a token may connect to watch (never bid, chat or like). Default true. */
  readonly allowAnonymousViewers?: boolean;
}

/**
 * API Gateway invokes a WebSocket authorizer only when every identity source is present, and
 * answers 401 itself otherwise. Requiring `?token=` therefore shuts anonymous viewers out before
 * ws-authorizer could let them in; when they are allowed, the identity source is the Host
 * header, which every WebSocket handshake carries (HTTP/1.1 requires it), and ws-authorizer
 * reads the token from the query string itself. WebSocket authorizers do not cache, so the
 * identity source only decides whether the authorizer runs.
 */
export const webSocketIdentitySource = (identity: IdentityProps): string[] =>
  identity.allowAnonymousViewers === false
    ? [`route.request.querystring.${WEBSOCKET_TOKEN_PARAMETER}`]
    : ['route.request.header.Host'];

export interface ApisProps {
  readonly allowedOrigins: readonly string[];
  readonly identity?: IdentityProps;
  /** WebSocket stage throttle per route (requests/s and burst): wsRateLimit / wsBurstLimit of infra/stack-settings.ts. */
  readonly webSocketThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** HTTP API stage throttle (every route): httpRateLimit / httpBurstLimit. */
  readonly httpThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Route throttle of the public route that computes on a miss: recommendRateLimit / recommendBurstLimit. */
  readonly recommendThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Retention of both stages' access logs (the functions' retention). */
  readonly logRetention: logs.RetentionDays;
}

/** The public route that computes recommendations on a cache miss: its own route, so it gets its own throttle. */
export const CACHED_RECOMMEND_PATH = '/recommend/cached/{userId}';

/**
 * One JSON line per request: who answered what and why it failed (JWT 401s and IAM 403s show
 * in status + error, Lambda-authorizer denials in authorizer.error / authorize.error, throttle
 * 429s in error.responseType, timeouts in integration.error). Never the query string or a header:
 * `$context.path` is the path without the query, so a WebSocket `?token=` never reaches a log.
 */
export const HTTP_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integration.error',
  integrationErrorMessage: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
  errorType: '$context.error.responseType',
} as const;

export const WEBSOCKET_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTimeEpoch: '$context.requestTimeEpoch',
  sourceIp: '$context.identity.sourceIp',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  connectionId: '$context.connectionId',
  status: '$context.status',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integration.error',
  authorizeStatus: '$context.authorize.status',
  authorizeError: '$context.authorize.error',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
  errorType: '$context.error.responseType',
} as const;

/**
 * Created in two steps because functions need the WebSocket stage's callback URL before the
 * routes can point at them: the constructor makes the APIs and stage, `route()` wires the functions.
 */
export class Apis extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly webSocketApi: apigwv2.WebSocketApi;
  readonly webSocketStage: apigwv2.WebSocketStage;
  readonly httpStage: apigwv2.HttpStage;
  readonly accessLogs: { readonly http: logs.LogGroup; readonly webSocket: logs.LogGroup };
  readonly logsRole: iam.Role;
  /** Routes anyone may call by design (public reads); cdk-nag's acknowledgements name them. */
  readonly publicRoutes: apigwv2.HttpRoute[] = [];
  /** Routes that carry an authorizer only when identity is configured. */
  readonly identityRoutes: IConstruct[] = [];
  private readonly wsRoutes = new Map<string, apigwv2.WebSocketRoute>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ApisProps,
  ) {
    super(scope, id);
    const logGroup = (logId: string): logs.LogGroup =>
      new logs.LogGroup(this, logId, { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.accessLogs = { http: logGroup('HttpAccessLogs'), webSocket: logGroup('WebSocketAccessLogs') };
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Stampede HTTP API (all routes → the http-api Lambda)',
      // The $default stage is made below, with its throttle and access log.
      createDefaultStage: false,
      // With CORS configured, API Gateway answers preflight OPTIONS itself — which is why the
      // routes below name their methods instead of ANY: an ANY route with an authorizer
      // would swallow the preflight and demand a token from it.
      corsPreflight: {
        allowOrigins: [...props.allowedOrigins],
        allowMethods: [
          apigwv2.CorsHttpMethod.GET,
          apigwv2.CorsHttpMethod.HEAD,
          apigwv2.CorsHttpMethod.OPTIONS,
          apigwv2.CorsHttpMethod.POST,
          apigwv2.CorsHttpMethod.PUT,
          apigwv2.CorsHttpMethod.PATCH,
          apigwv2.CorsHttpMethod.DELETE,
        ],
        allowHeaders: ['content-type', 'authorization', 'idempotency-key'],
        exposeHeaders: ['location'],
        maxAge: Duration.hours(1),
      },
    });
    this.httpStage = new apigwv2.HttpStage(this, 'HttpStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Without it the public routes are bounded only by the account-wide limit the WebSocket API
      // shares (npm run capacity, docs/DEPLOY.md "Throttles and reserved concurrency").
      throttle: props.httpThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs.http),
        format: apigateway.AccessLogFormat.custom(JSON.stringify(HTTP_ACCESS_LOG_FIELDS)),
      },
    });
    this.webSocketApi = new apigwv2.WebSocketApi(this, 'WebSocketApi', {
      description: 'Stampede live feed for viewers',
    });
    this.webSocketStage = new apigwv2.WebSocketStage(this, 'WebSocketStage', {
      webSocketApi: this.webSocketApi,
      stageName: WEBSOCKET_STAGE,
      autoDeploy: true,
      // Per-route throttling protects the account-wide quota (~10,000 req/s across all APIs).
      // Heartbeats share $default when they come over the WebSocket: at one per viewer every
      // 5 s, 2,000/s is ~10,000 viewers (`npm run capacity`, docs/DEPLOY.md); raise with
      // -c wsRateLimit / -c wsBurstLimit.
      throttle: props.webSocketThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs.webSocket),
        format: apigateway.AccessLogFormat.custom(JSON.stringify(WEBSOCKET_ACCESS_LOG_FIELDS)),
      },
    });
    // WebSocket (unlike HTTP) APIs write logs through the account's API Gateway CloudWatch role, a
    // Region-wide setting: this sets it to a role of this stack, kept when the stack goes (other
    // APIs of the account may log through it by then).
    const pushRole = (this.logsRole = new iam.Role(this, 'ApiGatewayLogsRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway account role: writes REST and WebSocket API access logs to CloudWatch Logs',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    }));
    pushRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new apigateway.CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: pushRole.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.webSocketStage.node.addDependency(account);
  }

  webSocketRoute(key: '$connect' | '$disconnect' | '$default'): apigwv2.WebSocketRoute {
    const route = this.wsRoutes.get(key);
    if (route === undefined) throw new Error(`WebSocket route ${key} is not wired yet (call route() first)`);
    return route;
  }

  /** Points the routes at the functions and attaches the authorizers when identity is configured. */
  route(functions: Functions): void {
    const httpIntegration = new integrations.HttpLambdaIntegration('HttpApiIntegration', functions.get('http-api'));
    const identity = this.props.identity;
    const jwt =
      identity === undefined
        ? undefined
        : new authorizers.HttpJwtAuthorizer('JwtAuthorizer', identity.issuerUrl, {
            jwtAudience: [identity.audience],
            identitySource: ['$request.header.Authorization'],
          });
    this.publicRoutes.push(
      ...this.httpApi.addRoutes({
        path: '/{proxy+}',
        methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.HEAD],
        integration: httpIntegration,
      }),
    );
    // Public and computing on a miss: a route of its own so the stage can throttle it apart.
    const recommendRoutes = this.httpApi.addRoutes({
      path: CACHED_RECOMMEND_PATH,
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.HEAD],
      integration: httpIntegration,
    });
    const stage = this.httpStage.node.defaultChild as apigwv2.CfnStage;
    const { rateLimit, burstLimit } = this.props.recommendThrottle;
    // RouteSettings is untyped JSON to CDK: its keys go into the template as written (CloudFormation's PascalCase).
    stage.routeSettings = Object.fromEntries(
      ['GET', 'HEAD'].map((m) => [
        `${m} ${CACHED_RECOMMEND_PATH}`,
        { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit },
      ]),
    );
    // Route settings name route keys: the routes must exist before the stage refers to them.
    for (const route of recommendRoutes) stage.node.addDependency(route);
    this.publicRoutes.push(...recommendRoutes);
    const writes = this.httpApi.addRoutes({
      path: '/{proxy+}',
      methods: WRITE_METHODS,
      integration: httpIntegration,
      ...(jwt === undefined ? {} : { authorizer: jwt }),
    });
    // Internal routes (`GET /internal/recommend/{userId}`: computes uncached, for services and
    // operators) answer only IAM-signed callers of this account, never the public.
    this.httpApi.addRoutes({
      path: '/internal/{proxy+}',
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.HEAD],
      integration: httpIntegration,
      authorizer: new authorizers.HttpIamAuthorizer(),
    });
    if (jwt !== undefined) {
      for (const path of AUTHENTICATED_GET_PATHS) {
        this.httpApi.addRoutes({
          path,
          methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.HEAD],
          integration: httpIntegration,
          authorizer: jwt,
        });
      }
    }

    const wsAuthorizer =
      identity === undefined
        ? undefined
        : new authorizers.WebSocketLambdaAuthorizer('WsAuthorizer', functions.get('ws-authorizer'), {
            identitySource: webSocketIdentitySource(identity),
          });
    this.identityRoutes.push(...writes);
    const addWs = (key: string, options: apigwv2.WebSocketRouteOptions): apigwv2.WebSocketRoute => {
      const route = this.webSocketApi.addRoute(key, options);
      this.wsRoutes.set(key, route);
      return route;
    };
    this.identityRoutes.push(
      addWs('$connect', {
        integration: new integrations.WebSocketLambdaIntegration('WsConnect', functions.get('ws-connect')),
        ...(wsAuthorizer === undefined ? {} : { authorizer: wsAuthorizer }),
      }),
    );
    addWs('$disconnect', {
      integration: new integrations.WebSocketLambdaIntegration('WsDisconnect', functions.get('ws-disconnect')),
    });
    addWs('$default', {
      integration: new integrations.WebSocketLambdaIntegration('WsMessage', functions.get('ws-message')),
    });
  }
}
