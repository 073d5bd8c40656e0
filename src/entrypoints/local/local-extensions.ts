import type { Server } from 'node:http';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Container, ContainerModule } from 'inversify';
import type { DynamoDBRecord, DynamoDBStreamEvent, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import type { AwsClients, AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import type { TableDefinition } from '../../adapters/dynamodb/table-definitions.js';
import type { StreamRecord } from '../../adapters/in-memory/feed-publisher-adapter-in-memory.js';
import type { BatchHandler, EventSourceStats } from '../../adapters/local/batch-handler.js';
import type { SqsEventSourceOptions } from '../../adapters/local/pollers/sqs-event-source.js';
import type { StreamEventSourceOptions } from '../../adapters/local/stream-event-source.js';
import type { EdgePressure } from '../../adapters/local/edge-pressure.js';
import type { StaticHandler } from '../../adapters/local/local-http-api.js';
import type { DevTokenIssuer } from '../../adapters/local/dev-token-issuer.js';
import type { LocalEventApiEndpoints } from './appsync-events.broadcaster.js';
import type { LocalConfig } from './local-config.js';

/** A running event source mapping (stream or queue → handler), as the runtime manages it. */
export interface RunningEventSource {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
  stats(): EventSourceStats;
  isIdle(): boolean;
}

export interface LocalRuntimeContext {
  readonly container: Container;
  readonly config: LocalConfig;
  readonly server: Server;
  readonly logger: Logger;
  /** The local development issuer: signed tokens for simulated users (the demo). */
  readonly devTokens: DevTokenIssuer;
  /** With `--broadcaster appsync-events`: the stand-in viewers subscribe to (the pages' config.js names it). */
  readonly eventApi: LocalEventApiEndpoints | null;
  /** The HTTP edge's load: a queue consumer paced by it (`pace`) waits while a request spike arrives. */
  readonly edgePressure: EdgePressure;
  /** Adds an event source; the runtime starts it with the others and stops it on shutdown. */
  addEventSource(source: RunningEventSource): void;
  addStaticHandler(handler: StaticHandler): void;
  /** Runs on shutdown, after the event sources stopped. */
  onStop(cleanup: () => Promise<void> | void): void;
  /**
   * Runs `job` every `ms` until shutdown, as a scheduled function would; a failure is logged as
   * `<what> failed; the next tick retries` and the next tick runs anyway.
   */
  every(ms: number, what: string, job: () => Promise<unknown>): void;
}

/** A feature's ports and event sources on one backend. */
export interface FeatureParts {
  /** Its ports (and their settings) on this backend. */
  readonly ports?: readonly ContainerModule[];
  /**
   * Its event source mappings, made once the container exists (before `setup`); it may register
   * what they need through the context (the beacon edge's `/beat` handler, a cleanup on stop).
   */
  sources?(context: LocalRuntimeContext): readonly RunningEventSource[];
  /** What it runs on, for the banner. */
  readonly description?: string;
  /** Closes what it opened outside the container (a Redis client); also after a failed start. */
  stop?(): Promise<void>;
}

/**
 * A feature of `npm start`, once for every backend: its use cases, handlers and routes
 * (`modules`, the module its Lambdas load), its ports and event sources on in-memory twins
 * (`memory`) and on the emulators (`emulators`, which creates its resources first), and what
 * it starts once the container exists on any backend (`setup`: timers, static pages).
 */
export interface LocalRuntimeExtension {
  readonly name: string;
  readonly modules?: readonly ContainerModule[];
  readonly memory?: FeatureParts;
  /** Loads its AWS modules itself (dynamic import), so the memory backend never loads the SDK. */
  emulators?(env: EmulatorEnv): Promise<FeatureParts>;
  setup?(context: LocalRuntimeContext): void | Promise<void>;
}

/** A mapping's settings, as the deployed function's event source mapping has them. */
export type StreamMapping<R> = Omit<StreamEventSourceOptions<R>, 'name' | 'onDiscard'>;

/** The names the emulator backend gives its resources (`suffix` appended, for tests sharing emulators). */
export const emulatorResourceNames = (suffix = '') => ({
  eventsTable: `stampede-events${suffix}`,
  snapshotsTable: `stampede-snapshots${suffix}`,
  connectionsTable: `stampede-connections${suffix}`,
  feedStream: `stampede-feed${suffix}`,
  broadcastQueue: `stampede-broadcast${suffix}`,
  broadcastDlq: `stampede-broadcast-dlq${suffix}`,
  bucket: `stampede-blobs${suffix}`,
  statsTable: `stampede-stats${suffix}`,
  bookingQueue: `stampede-booking${suffix}.fifo`,
  bookingDlq: `stampede-booking-dlq${suffix}.fifo`,
  bookingParked: `stampede-booking-parked${suffix}`,
  presenceTable: `stampede-presence${suffix}`,
  heartbeatQueue: `stampede-heartbeats${suffix}`,
  heartbeatDlq: `stampede-heartbeats-dlq${suffix}`,
  presenceStream: `stampede-presence-stream${suffix}`,
  schedulerQueue: `stampede-scheduler${suffix}`,
  schedulerDlq: `stampede-scheduler-dlq${suffix}`,
  recommendStream: `stampede-recommend-requests${suffix}`,
  integrationTopic: `stampede-integration${suffix}.fifo`,
  integrationQueues: {
    payments: { queue: `stampede-payments${suffix}.fifo`, dlq: `stampede-payments-dlq${suffix}.fifo` },
    notifications: { queue: `stampede-notifications${suffix}.fifo`, dlq: `stampede-notifications-dlq${suffix}.fifo` },
  },
});

/** What `--backend emulators` gives a feature: where the emulators are, its resources' names, and how to make them. */
export interface EmulatorEnv {
  readonly aws: AwsClientSettings;
  readonly clients: Pick<AwsClients, 'dynamodb' | 'sqs' | 'kinesis'>;
  /** Resource names; `redisKeyPrefix` is prepended to every Redis key (tests sharing one Redis). */
  readonly names: ReturnType<typeof emulatorResourceNames> & { readonly redisKeyPrefix: string };
  readonly config: LocalConfig;
  /** Creates a table as the CDK stack declares it (if missing); its stream's ARN when it has one. */
  table(name: string, definition: TableDefinition): Promise<{ streamArn?: string }>;
  stream(name: string, shards: number): Promise<void>;
  /** A queue; with `dlq`, its DLQ takes a message after the runtime's `maxReceiveCount` receives. */
  queue(spec: { name: string; dlq?: string; visibilityTimeoutSeconds?: number }): Promise<{ url: string; arn: string }>;
  /** Lambda's SQS mapping: batches of up to 10, two pollers (unless `mapping` says otherwise); failed items are left for SQS to redeliver. */
  queueSource(
    context: Pick<LocalRuntimeContext, 'logger'>,
    name: string,
    url: string,
    handler: BatchHandler<SQSEvent>,
    mapping?: Pick<SqsEventSourceOptions, 'batchSize' | 'concurrency' | 'onFailure'>,
  ): RunningEventSource;
  /** Lambda's mapping on a kinesalite stream (a mirror and the stream event source over it). */
  kinesisSource(
    context: Pick<LocalRuntimeContext, 'logger'>,
    name: string,
    stream: string,
    handler: BatchHandler<KinesisStreamEvent>,
    mapping?: StreamMapping<StreamRecord>,
  ): RunningEventSource;
  /** Lambda's mapping on a DynamoDB Local table stream. */
  dynamoDbStreamSource(
    context: Pick<LocalRuntimeContext, 'logger'>,
    name: string,
    streamArn: string,
    handler: BatchHandler<DynamoDBStreamEvent>,
    mapping?: StreamMapping<DynamoDBRecord>,
  ): RunningEventSource;
}

/**
 * Where a backend comes from: `memory` gives each feature its in-memory twins and their
 * event-source emulation; another backend (e.g. `emulators`: DynamoDB Local, kinesalite, fauxqs)
 * starts what its features need and gives each its `emulators` parts.
 */
export interface LocalBackendInstance {
  readonly description: string;
  /** A feature's ports and event sources on this backend (its `memory` or `emulators` parts). */
  partsOf(feature: LocalRuntimeExtension): Promise<FeatureParts | undefined>;
  stop(): Promise<void>;
}
export type LocalBackend = (config: LocalConfig) => Promise<LocalBackendInstance>;
