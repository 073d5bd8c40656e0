import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DEFAULT_OFFLOAD_PREFIX,
  DEFAULT_STATS_OBJECT_KEY,
  lambdaConfigSchemas,
  requiredVariables,
  type EnvVariable,
  type LambdaName,
} from '../src/entrypoints/composition/config.js';
import {
  DEFAULT_MEMORY_MIB,
  FUNCTION_SPECS,
  type Access,
  type ResourceVariable,
  type StreamKey,
} from './function-specs.js';
import type { BeaconEdge } from './beacon-edge.construct.js';
import type { Messaging } from './messaging.construct.js';
import type { StackSettings } from './stack-settings.js';
import type { Storage } from './storage.construct.js';

/** Supplies each function's code: the prebuilt bundle, or a placeholder (see lambda-code.ts). */
export type CodeSource = (name: LambdaName) => lambda.Code;

/** Values for the non-resource variables; REDIS_URL and JWT_* are omitted when unset. */
export interface FunctionSettings {
  readonly logLevel: string;
  readonly serviceName: string;
  readonly metricsNamespace: string;
  readonly shardSize: number;
  readonly presenceTtlSeconds: number;
  /** Sub-partitions K per channel and packed buckets B per sub-partition (the beacon path). */
  readonly presenceSubPartitions: number;
  readonly presenceBuckets: number;
  readonly recommendCacheTtlSeconds: number;
  readonly redisUrl?: string;
  readonly jwt?: { readonly issuer: string; readonly audience: string; readonly allowAnonymousViewers: boolean };
  /** Reserved concurrency by function (infra/stack-settings.ts `reservationsOf`); others draw from the unreserved pool. */
  readonly reservedConcurrency: Readonly<Partial<Record<string, number>>>;
  readonly logRetention: logs.RetentionDays;
  /** Page origins for CORS (ALLOWED_ORIGINS of http-api): the HTTP API's own CORS list. */
  readonly allowedOrigins: readonly string[];
}

export interface FunctionsProps {
  readonly code: CodeSource;
  readonly storage: Storage;
  readonly messaging: Messaging;
  readonly webSocketStage: apigwv2.WebSocketStage;
  /** The Event API and the namespace the appsync-events fan-out publishes to (that broadcaster only). */
  readonly eventApi?: {
    readonly api: appsync.EventApi;
    readonly namespace: appsync.ChannelNamespace;
    readonly namespaceName: string;
  };
  /** The integration topic and the publisher's on-failure queue (infra/integration.construct.ts). */
  readonly integration?: {
    readonly topic: sns.ITopic;
    readonly key: kms.IKey;
    readonly streamFailures: sqs.IQueue;
  };
  readonly settings: FunctionSettings;
  /** The beacon presence path (presenceIngress=beacon): its streams, failure queue, token key and URL. */
  readonly beacon?: BeaconEdge;
  /** Create only these (ws-authorizer exists only with identity configured). */
  readonly names: readonly LambdaName[];
  /** Batch sizes, windows and parallelization of the stream mappings (infra/stack-settings.ts). */
  readonly eventSources: Pick<StackSettings, 'relay' | 'streamConsumers'> & {
    readonly presence: Pick<StackSettings['presence'], 'router' | 'aggregator'>;
  };
}

/** Retries of a stream batch before its records go to the on-failure queue (Kinesis seed: 3). */
export const STREAM_RETRY_ATTEMPTS = { relay: 10, kinesis: 3 } as const;

/** Every Lambda, its role (own log group, grants only), environment and event source. */
export class Functions extends Construct {
  readonly byName: Partial<Record<LambdaName, lambda.Function>> = {};

  constructor(
    scope: Construct,
    id: string,
    private readonly props: FunctionsProps,
  ) {
    super(scope, id);
    for (const name of props.names) this.byName[name] = this.createFunction(name);
  }

  /** Whether the stack deploys `name` (a broadcaster leaves some out). */
  has(name: LambdaName): boolean {
    return this.byName[name] !== undefined;
  }

  get(name: LambdaName): lambda.Function {
    const fn = this.byName[name];
    if (fn === undefined) throw new Error(`function ${name} was not created`);
    return fn;
  }

  private createFunction(name: LambdaName): lambda.Function {
    const spec = FUNCTION_SPECS[name];
    const id = name.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: this.props.settings.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy allows
    // logs:CreateLogGroup/PutLogEvents on every log group ("*"); this one only on its own.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Stampede ${name} Lambda: its log group and the grants in infra/function-specs.ts`,
    });
    logGroup.grantWrite(role);

    const fn = new lambda.Function(this, id, {
      description: `Stampede ${name}`,
      // Node 24: standard support runs to 2028 (nodejs22.x leaves it on 30 April 2027); the build targets node24 too.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: this.props.code(name),
      memorySize: spec.memoryMiB ?? DEFAULT_MEMORY_MIB,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup,
      environment: this.environmentFor(name),
      ...(this.props.settings.reservedConcurrency[name] === undefined
        ? {}
        : { reservedConcurrentExecutions: this.props.settings.reservedConcurrency[name] }),
    });
    for (const [variable, access] of Object.entries(spec.uses) as [ResourceVariable, Access][])
      this.grant(name, fn, variable, access);
    this.addEventSource(name, fn);
    if (spec.scheduleMinutes !== undefined) {
      new events.Rule(this, `${id}Schedule`, {
        description: `Invokes ${name} every ${spec.scheduleMinutes} minute(s)`,
        schedule: events.Schedule.rate(Duration.minutes(spec.scheduleMinutes)),
        targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })],
      });
    }
    return fn;
  }

  /** Exactly the variables of the function's config schema; fails synth when one has no value. */
  private environmentFor(name: LambdaName): Record<string, string> {
    const { storage, messaging, settings, webSocketStage } = this.props;
    const values: Partial<Record<string, string | undefined>> = {
      POWERTOOLS_SERVICE_NAME: settings.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: settings.metricsNamespace,
      LOG_LEVEL: settings.logLevel,
      EVENTS_TABLE: storage.eventsTable.tableName,
      SNAPSHOTS_TABLE: storage.snapshotsTable.tableName,
      CONNECTIONS_TABLE: storage.connectionsTable.tableName,
      PRESENCE_TABLE: storage.presenceTable.tableName,
      STATS_TABLE: storage.statsTable.tableName,
      FEED_STREAM_NAME: messaging.feedStream.streamName,
      RECOMMEND_STREAM_NAME: messaging.recommendStream.streamName,
      PRESENCE_STREAM_NAME: this.props.beacon?.presenceStream.streamName,
      PRESENCE_STREAM_SHARDS: this.props.beacon === undefined ? undefined : String(this.props.beacon.presenceShards),
      PRESENCE_SUB_PARTITIONS: String(settings.presenceSubPartitions),
      PRESENCE_BUCKETS: String(settings.presenceBuckets),
      // A dynamic reference CloudFormation resolves at deploy: the key never sits in the template.
      BEACON_TOKEN_KEY: this.props.beacon?.tokenKey.secretValue.unsafeUnwrap(),
      BEACON_URL: this.props.beacon?.url,
      BROADCAST_QUEUE_URL: messaging.queues.broadcast.queue.queueUrl,
      BOOKING_QUEUE_URL: messaging.queues.booking.queue.queueUrl,
      BOOKING_PARKED_QUEUE_URL: messaging.bookingParked.queueUrl,
      HEARTBEAT_QUEUE_URL: messaging.queues.heartbeat.queue.queueUrl,
      SCHEDULER_QUEUE_URL: messaging.queues.scheduler.queue.queueUrl,
      BLOB_BUCKET: storage.bucket.bucketName,
      BLOB_OFFLOAD_PREFIX: DEFAULT_OFFLOAD_PREFIX,
      STATS_OBJECT_KEY: DEFAULT_STATS_OBJECT_KEY,
      WS_MANAGEMENT_ENDPOINT: webSocketStage.callbackUrl,
      EVENT_API_HTTP_ENDPOINT:
        this.props.eventApi === undefined ? undefined : `https://${this.props.eventApi.api.httpDns}/event`,
      EVENT_API_NAMESPACE: this.props.eventApi?.namespaceName,
      INTEGRATION_TOPIC_ARN: this.props.integration?.topic.topicArn,
      SHARD_SIZE: String(settings.shardSize),
      PRESENCE_TTL_SECONDS: String(settings.presenceTtlSeconds),
      RECOMMEND_CACHE_TTL_SECONDS: String(settings.recommendCacheTtlSeconds),
      REDIS_URL: settings.redisUrl,
      JWT_ISSUER: settings.jwt?.issuer,
      JWT_AUDIENCE: settings.jwt?.audience,
      ALLOWED_ORIGINS: settings.allowedOrigins.join(','),
      ALLOW_ANONYMOUS_VIEWERS: settings.jwt === undefined ? undefined : String(settings.jwt.allowAnonymousViewers),
    };
    const env: Record<string, string> = {
      // Stack traces point into src/ through the bundle's source map.
      NODE_OPTIONS: '--enable-source-maps',
    };
    for (const variable of Object.keys(lambdaConfigSchemas[name].shape) as EnvVariable[]) {
      const value = values[variable];
      if (value !== undefined) env[variable] = value;
    }
    // AWS_REGION is set by Lambda itself (and reserved: a template may not set it).
    const unset = requiredVariables(name).filter((v) => v !== 'AWS_REGION' && env[v] === undefined);
    if (unset.length > 0) throw new Error(`function ${name}: no value for required variable(s) ${unset.join(', ')}`);
    const granted = new Set<string>(Object.keys(FUNCTION_SPECS[name].uses));
    const ungranted = Object.keys(env).filter((v) => isResourceVariable(v) && !granted.has(v));
    if (ungranted.length > 0)
      throw new Error(`function ${name}: reads ${ungranted.join(', ')} but function-specs.ts grants no access`);
    const unread = [...granted].filter((v) => !(v in lambdaConfigSchemas[name].shape));
    if (unread.length > 0)
      throw new Error(`function ${name}: granted ${unread.join(', ')} that its config schema does not read`);
    return env;
  }

  private grant(name: LambdaName, fn: lambda.Function, variable: ResourceVariable, access: Access): void {
    const { storage, messaging, webSocketStage } = this.props;
    if (typeof access === 'object' && !variable.endsWith('_TABLE'))
      throw new Error(`${variable}: item-level access is for DynamoDB tables only`);
    const table = (t: dynamodb.Table): void => {
      if (typeof access === 'object') {
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
            resources: [t.tableArn],
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.items] } },
          }),
        );
      } else if (access === 'read') t.grantReadData(fn);
      else if (access === 'write') t.grantWriteData(fn);
      else t.grantReadWriteData(fn);
    };
    const stream = (s: kinesis.Stream, key: StreamKey): void => {
      if (access === 'write') return void s.grantWrite(fn);
      // Reading a stream is the event source mapping's job (it grants GetRecords & co.); a
      // consumer that also writes to it (the aggregator's ticks) gets PutRecords besides.
      const trigger = FUNCTION_SPECS[name].trigger;
      const consumes = trigger.kind === 'kinesis' && trigger.streams.includes(key);
      if (access === 'readWrite' && consumes) return void s.grantWrite(fn);
      if (access !== 'read' || !consumes) {
        throw new Error(
          `${variable}: ${access} access to a stream is only possible as its consumer (read) or producer (write)`,
        );
      }
    };
    const queue = (q: sqs.Queue): void => {
      if (access !== 'write') throw new Error(`${variable}: queue reads are granted by the event source mapping`);
      q.grantSendMessages(fn);
    };
    // Object-level statements on one prefix or key rather than bucket.grantRead/grantPut:
    // those add s3:List*/GetBucket*/Abort* wildcards this code never needs.
    const objects = (bucket: s3.Bucket, pattern: string): void => {
      const actions = [...(access === 'write' ? [] : ['s3:GetObject']), ...(access === 'read' ? [] : ['s3:PutObject'])];
      fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects(pattern)] }));
    };
    switch (variable) {
      case 'EVENTS_TABLE':
        return table(storage.eventsTable);
      case 'SNAPSHOTS_TABLE':
        return table(storage.snapshotsTable);
      case 'CONNECTIONS_TABLE':
        return table(storage.connectionsTable);
      case 'PRESENCE_TABLE':
        return table(storage.presenceTable);
      case 'STATS_TABLE':
        return table(storage.statsTable);
      case 'FEED_STREAM_NAME':
        return stream(messaging.feedStream, 'feed');
      case 'RECOMMEND_STREAM_NAME':
        return stream(messaging.recommendStream, 'recommend');
      case 'PRESENCE_STREAM_NAME':
        return stream(this.beaconEdge(name).presenceStream, 'presence');
      case 'BROADCAST_QUEUE_URL':
        return queue(messaging.queues.broadcast.queue);
      case 'BOOKING_QUEUE_URL':
        return queue(messaging.queues.booking.queue);
      case 'BOOKING_PARKED_QUEUE_URL':
        return queue(messaging.bookingParked);
      case 'HEARTBEAT_QUEUE_URL':
        return queue(messaging.queues.heartbeat.queue);
      case 'SCHEDULER_QUEUE_URL':
        return queue(messaging.queues.scheduler.queue);
      case 'BLOB_OFFLOAD_PREFIX':
        return objects(storage.bucket, `${DEFAULT_OFFLOAD_PREFIX}*`);
      case 'STATS_OBJECT_KEY':
        return objects(storage.bucket, DEFAULT_STATS_OBJECT_KEY);
      case 'WS_MANAGEMENT_ENDPOINT':
        // execute-api:ManageConnections on this stage's @connections only.
        webSocketStage.grantManagementApiAccess(fn);
        return;
      case 'EVENT_API_HTTP_ENDPOINT':
        if (this.props.eventApi === undefined)
          throw new Error(
            `${name} publishes to the Event API, which this stack does not create (-c broadcaster=appsync-events)`,
          );
        if (access !== 'write') throw new Error(`${variable}: only publishing (write) is granted to functions`);
        // appsync:EventPublish on this namespace only (subscribing is for viewers, not functions).
        this.props.eventApi.namespace.grantPublish(fn);
        return;
      case 'INTEGRATION_TOPIC_ARN':
        if (this.props.integration === undefined)
          throw new Error(`${name} publishes to the integration topic, which is not wired`);
        if (access !== 'write') throw new Error(`${variable}: only publishing (write) is granted to functions`);
        // sns:Publish on this topic and the two KMS actions publishing to an encrypted topic needs, on its
        // key only — spelled out rather than topic.grantPublish, whose kms:GenerateDataKey* is a wildcard.
        iam.Grant.addToPrincipal({
          grantee: fn,
          actions: ['sns:Publish'],
          resourceArns: [this.props.integration.topic.topicArn],
        });
        this.props.integration.key.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
        return;
    }
  }

  private beaconEdge(name: LambdaName): BeaconEdge {
    if (this.props.beacon === undefined)
      throw new Error(
        `${name} belongs to the beacon presence path, which this stack does not create (-c presenceIngress=beacon)`,
      );
    return this.props.beacon;
  }

  private addEventSource(name: LambdaName, fn: lambda.Function): void {
    const { storage, messaging } = this.props;
    const trigger = FUNCTION_SPECS[name].trigger;
    switch (trigger.kind) {
      case 'dynamodb-stream':
        fn.addEventSource(
          new sources.DynamoEventSource(storage.eventsTable, {
            // TRIM_HORIZON: nothing appended before the mapping existed is skipped.
            startingPosition: lambda.StartingPosition.TRIM_HORIZON,
            batchSize: this.props.eventSources.relay.batchSize,
            bisectBatchOnError: true,
            retryAttempts: STREAM_RETRY_ATTEMPTS.relay,
            reportBatchItemFailures: true,
            onFailure: new sources.SqsDlq(
              name === 'integration-publisher' && this.props.integration !== undefined
                ? this.props.integration.streamFailures
                : messaging.streamFailures.relay,
            ),
            // The events table is append-only: only INSERTs are events (TTL or manual deletes are not).
            filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
          }),
        );
        return;
      case 'kinesis': {
        const presence = name === 'beat-router' || name === 'presence-aggregator';
        const failures = presence
          ? this.beaconEdge(name).failures
          : name === 'fanout' || name === 'fanout-events'
            ? messaging.streamFailures.fanout
            : messaging.streamFailures.recommend;
        const consumer =
          name === 'beat-router'
            ? this.props.eventSources.presence.router
            : name === 'presence-aggregator'
              ? this.props.eventSources.presence.aggregator
              : this.props.eventSources.streamConsumers;
        const streamOf = (key: StreamKey): kinesis.Stream =>
          key === 'feed'
            ? messaging.feedStream
            : key === 'recommend'
              ? messaging.recommendStream
              : key === 'beaconLog'
                ? this.beaconEdge(name).beaconLogStream
                : this.beaconEdge(name).presenceStream;
        for (const key of trigger.streams) {
          fn.addEventSource(
            new sources.KinesisEventSource(streamOf(key), {
              startingPosition: lambda.StartingPosition.TRIM_HORIZON,
              batchSize: consumer.batchSize,
              maxBatchingWindow: Duration.seconds(consumer.windowSeconds),
              parallelizationFactor: consumer.parallelization,
              retryAttempts: STREAM_RETRY_ATTEMPTS.kinesis,
              bisectBatchOnError: true,
              reportBatchItemFailures: true,
              onFailure: new sources.SqsDlq(failures),
            }),
          );
        }
        return;
      }
      case 'sqs':
        fn.addEventSource(
          new sources.SqsEventSource(messaging.queues[trigger.queue].queue, {
            batchSize: trigger.batchSize,
            ...(trigger.maxBatchingWindowSeconds === undefined
              ? {}
              : { maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds) }),
            reportBatchItemFailures: true,
          }),
        );
        return;
      default:
        // API routes and the authorizer are wired by the Apis construct.
        return;
    }
  }
}

const RESOURCE_VARIABLES = new Set<string>([
  'EVENTS_TABLE',
  'SNAPSHOTS_TABLE',
  'CONNECTIONS_TABLE',
  'PRESENCE_TABLE',
  'STATS_TABLE',
  'FEED_STREAM_NAME',
  'RECOMMEND_STREAM_NAME',
  'PRESENCE_STREAM_NAME',
  'BROADCAST_QUEUE_URL',
  'BOOKING_QUEUE_URL',
  'BOOKING_PARKED_QUEUE_URL',
  'HEARTBEAT_QUEUE_URL',
  'SCHEDULER_QUEUE_URL',
  'BLOB_OFFLOAD_PREFIX',
  'STATS_OBJECT_KEY',
  'WS_MANAGEMENT_ENDPOINT',
  'EVENT_API_HTTP_ENDPOINT',
  'INTEGRATION_TOPIC_ARN',
] satisfies ResourceVariable[]);

const isResourceVariable = (v: string): v is ResourceVariable => RESOURCE_VARIABLES.has(v);
