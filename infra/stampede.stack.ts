import { CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_NAMES, type LambdaName } from '../src/entrypoints/composition/config.js';
import { Alarms } from './alarms.construct.js';
import { BeaconEdge } from './beacon-edge.construct.js';
import { Apis, type IdentityProps } from './apis.construct.js';
import { EventApi } from './event-api.construct.js';
import { Functions, type CodeSource } from './functions.construct.js';
import { Integration } from './integration.construct.js';
import { Messaging } from './messaging.construct.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import {
  BROADCASTERS,
  STACK_DEFAULTS,
  assertReservationsFit,
  parseStackSettings,
  reservationsOf,
  type Broadcaster,
  type PresenceIngress,
  type StackSettings,
} from './stack-settings.js';
import { Storage } from './storage.construct.js';

/** Functions' logs and both stages' access logs. */
const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

export interface StampedeStackProps extends StackProps {
  /** Each function's code (prebuilt bundles in dist/lambda, see lambda-code.ts). */
  readonly code: CodeSource;
  /**
   * JWT identity: a JWT authorizer on the HTTP API's writes and a Lambda authorizer
   * (ws-authorizer) on $connect. Without it the APIs are open and ws-authorizer is not deployed.
   */
  readonly identity?: IdentityProps;
  /** Page origins allowed by CORS besides the stack's own CloudFront domain (e.g. http://localhost:3000). */
  readonly extraAllowedOrigins?: readonly string[];
  /** A shared Redis for the recommendation cache; without it each instance keeps an in-memory LRU. */
  readonly redisUrl?: string;
  /** Seconds a cached recommendation lives (RECOMMEND_CACHE_TTL_SECONDS); default 3600, the seed's. */
  readonly recommendCacheTtlSeconds?: number;
  readonly alarmEmail?: string;
  /**
   * Capacity tunables (shards, concurrency, throttles, shard size, broadcaster, presence): one
   * object from infra/stack-settings.ts, the same the capacity model evaluates. Default
   * STACK_DEFAULTS; the app passes `parseStackSettings(context)`.
   */
  readonly settings?: StackSettings;
  /** Overrides `settings.broadcaster` (tests); the app passes the settings only. */
  readonly broadcaster?: Broadcaster;
  /** Tables and bucket are deleted with the stack (dev stacks). Default: retained (streams and queues always go). */
  readonly ephemeral?: boolean;
  readonly logLevel?: string;
}

export { BROADCASTERS, type Broadcaster } from './stack-settings.js';

/** The functions a broadcaster does not deploy. */
export const NOT_DEPLOYED: Record<Broadcaster, readonly LambdaName[]> = {
  'appsync-events': ['fanout', 'broadcast'],
  apigateway: ['fanout-events'],
};

/** The functions a presence ingress does not deploy (the websocket ingress has no beacon path). */
export const NOT_DEPLOYED_BY_INGRESS: Record<PresenceIngress, readonly LambdaName[]> = {
  beacon: [],
  websocket: ['beat-router', 'presence-aggregator'],
};

/** The whole of Stampede on AWS: storage, messaging, the twelve Lambdas, both APIs, alarms. */
export class StampedeStack extends Stack {
  readonly storage: Storage;
  readonly messaging: Messaging;
  readonly apis: Apis;
  readonly functions: Functions;
  readonly alarms: Alarms;
  /** Integration events out: the SNS FIFO topic and its example subscribers (docs/INTEGRATION.md). */
  readonly integration: Integration;
  readonly settings: StackSettings;
  readonly broadcaster: Broadcaster;
  /** With the appsync-events broadcaster only. */
  readonly eventApi: EventApi | undefined;
  /** With presenceIngress=beacon only: the beacon distribution, its log and presence streams. */
  readonly beacon: BeaconEdge | undefined;

  constructor(scope: Construct, id: string, props: StampedeStackProps) {
    super(scope, id, props);
    // A broadcaster given alone means what `-c broadcaster=…` means: the presence ingress follows it.
    const settings =
      props.settings ??
      (props.broadcaster === undefined || !BROADCASTERS.includes(props.broadcaster)
        ? STACK_DEFAULTS
        : parseStackSettings((key) => (key === 'broadcaster' ? props.broadcaster : undefined)));
    // Lambda refuses reservations that leave under 100 of the account's quota unreserved: refuse them at synth.
    assertReservationsFit(settings);
    this.settings = settings;
    Tags.of(this).add('project', 'stampede');
    const removalPolicy = props.ephemeral === true ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.storage = new Storage(this, 'Storage', { removalPolicy });
    this.messaging = new Messaging(this, 'Messaging', {
      feedShards: settings.feedShards,
      recommendShards: settings.recommendShards,
    });
    // One list for the HTTP API's CORS and the function's (ALLOWED_ORIGINS): never a wildcard.
    const allowedOrigins = [
      `https://${this.storage.distribution.distributionDomainName}`,
      ...(props.extraAllowedOrigins ?? []),
    ];
    this.apis = new Apis(this, 'Apis', {
      allowedOrigins,
      ...(props.identity === undefined ? {} : { identity: props.identity }),
      webSocketThrottle: { rateLimit: settings.wsRateLimit, burstLimit: settings.wsBurstLimit },
      httpThrottle: { rateLimit: settings.httpRateLimit, burstLimit: settings.httpBurstLimit },
      recommendThrottle: { rateLimit: settings.recommendRateLimit, burstLimit: settings.recommendBurstLimit },
      logRetention: LOG_RETENTION,
    });

    const recommendCacheTtlSeconds = props.recommendCacheTtlSeconds ?? 3600;
    if (
      !Number.isInteger(recommendCacheTtlSeconds) ||
      recommendCacheTtlSeconds < 1 ||
      recommendCacheTtlSeconds > 86_400
    ) {
      // The functions would refuse it at cold start (RECOMMEND_CACHE_TTL_SECONDS is 1..86400): refuse it at synth.
      throw new Error(
        `recommendCacheTtlSeconds must be a whole number of seconds from 1 to 86400, got ${recommendCacheTtlSeconds}`,
      );
    }
    this.broadcaster = props.broadcaster ?? settings.broadcaster;
    if (!BROADCASTERS.includes(this.broadcaster))
      throw new Error(`broadcaster must be one of ${BROADCASTERS.join(', ')}, got "${String(this.broadcaster)}"`);
    this.eventApi =
      this.broadcaster === 'appsync-events'
        ? new EventApi(this, 'EventApi', props.identity === undefined ? {} : { identity: props.identity })
        : undefined;
    this.beacon =
      settings.presence.ingress === 'beacon'
        ? new BeaconEdge(this, 'Beacon', {
            presence: settings.presence,
            unusedOriginHost: `${this.apis.httpApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
          })
        : undefined;
    const names: LambdaName[] = LAMBDA_NAMES.filter(
      (n) =>
        (n !== 'ws-authorizer' || props.identity !== undefined) &&
        !NOT_DEPLOYED[this.broadcaster].includes(n) &&
        !NOT_DEPLOYED_BY_INGRESS[settings.presence.ingress].includes(n),
    );
    this.integration = new Integration(this, 'Integration');
    this.functions = new Functions(this, 'Functions', {
      code: props.code,
      integration: {
        topic: this.integration.topic,
        key: this.integration.key,
        streamFailures: this.integration.streamFailures,
      },
      storage: this.storage,
      messaging: this.messaging,
      webSocketStage: this.apis.webSocketStage,
      ...(this.eventApi === undefined
        ? {}
        : {
            eventApi: {
              api: this.eventApi.api,
              namespace: this.eventApi.namespace,
              namespaceName: this.eventApi.namespaceName,
            },
          }),
      ...(this.beacon === undefined ? {} : { beacon: this.beacon }),
      names,
      eventSources: {
        relay: settings.relay,
        streamConsumers: settings.streamConsumers,
        presence: { router: settings.presence.router, aggregator: settings.presence.aggregator },
      },
      settings: {
        logLevel: props.logLevel ?? 'INFO',
        serviceName: 'stampede',
        metricsNamespace: 'Stampede',
        shardSize: settings.shardSize,
        presenceTtlSeconds: settings.presence.ttlSeconds,
        presenceSubPartitions: settings.presence.subPartitions,
        presenceBuckets: settings.presence.buckets,
        recommendCacheTtlSeconds,
        logRetention: LOG_RETENTION,
        allowedOrigins,
        ...(props.redisUrl === undefined ? {} : { redisUrl: props.redisUrl }),
        ...(props.identity === undefined
          ? {}
          : {
              jwt: {
                issuer: props.identity.issuerUrl,
                audience: props.identity.audience,
                allowAnonymousViewers: props.identity.allowAnonymousViewers !== false,
              },
            }),
        reservedConcurrency: Object.fromEntries(reservationsOf(settings)),
      },
    });
    this.apis.route(this.functions);

    this.alarms = new Alarms(this, 'Alarms', {
      deadLetterQueues: {
        ...this.messaging.allDeadLetterQueues(),
        ...this.integration.deadLetterQueues(),
        ...(this.beacon === undefined ? {} : { PresenceFailures: this.beacon.failures }),
      },
      streams: {
        feed: this.messaging.feedStream,
        recommend: this.messaging.recommendStream,
        ...(this.beacon === undefined
          ? {}
          : { beaconLog: this.beacon.beaconLogStream, presence: this.beacon.presenceStream }),
      },
      relay: this.functions.get('relay'),
      ...(this.eventApi === undefined ? {} : { eventApiId: this.eventApi.api.apiId }),
      ...(props.alarmEmail === undefined ? {} : { alarmEmail: props.alarmEmail }),
    });

    this.integration.restrictPublishing(this.functions.get('integration-publisher'));
    this.integration.addAlarms(this.alarms.topic, this.functions.get('integration-publisher'));

    acknowledgeNagFindings(this, { identity: props.identity !== undefined });

    new CfnOutput(this, 'HttpApiUrl', { value: this.apis.httpApi.apiEndpoint, description: 'HTTP API base URL' });
    new CfnOutput(this, 'WebSocketUrl', {
      value: this.apis.webSocketStage.url,
      description: 'wss:// URL viewers connect to',
    });
    new CfnOutput(this, 'BlobBucketName', {
      value: this.storage.bucket.bucketName,
      description: 'Offloaded bodies (offload/) and public objects (public/)',
    });
    new CfnOutput(this, 'PublicUrl', {
      value: `https://${this.storage.distribution.distributionDomainName}`,
      description: 'CloudFront URL of the bucket’s public/ prefix: /stats.json, and the pages if uploaded',
    });
    new CfnOutput(this, 'IntegrationTopicArn', {
      value: this.integration.topic.topicArn,
      description:
        'SNS FIFO topic of integration events: subscribe a FIFO queue with a filter policy (docs/INTEGRATION.md)',
    });
    if (this.beacon !== undefined) {
      new CfnOutput(this, 'BeaconUrl', {
        value: this.beacon.url,
        description: 'Where viewers send presence beacons every 5 s (the join answers carry it as beacon.url)',
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarms.topic.topicArn,
      description: 'Subscribe to receive DLQ and lag alarms',
    });
  }
}
