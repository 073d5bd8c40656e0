import 'reflect-metadata';
import { ContainerModule, type Container } from 'inversify';
import { ApiGatewayConnectionGateway } from '../../adapters/apigateway/connection-gateway-adapter-apigateway.js';
import {
  createDynamoDbClient,
  createKinesisClient,
  createManagementApiClient,
  createS3Client,
  createSqsClient,
  type AwsClientSettings,
} from '../../adapters/aws-shared/aws-clients.js';
import { DynamoDbConnectionRegistry } from '../../adapters/dynamodb/connection-registry-adapter-dynamodb.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../adapters/dynamodb/event-store-adapter-dynamodb.js';
import { KinesisFeedPublisher } from '../../adapters/kinesis/feed-publisher-adapter-kinesis.js';
import { S3BlobStore } from '../../adapters/s3/blob-store-adapter-s3.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue-adapter-sqs.js';
import { decodeQueueBody } from '../../adapters/sqs/queue-body-codec.js';
import type { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import { parseLocalConfig } from '../local/local-config.js';
import type { LambdaConfig, LambdaName } from './config.js';
import { awsTargetFromConfig, lambdaContext, sharedClient, type FeatureLambdaContext } from './feature-lambda.container.js';
import { createLocalContainer } from './local.container.js';
import { TOKENS, type Token } from './tokens.js';

export type { AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';

type BindPort = <T>(token: Token<T>, factory: (get: <U>(t: Token<U>) => U) => T) => void;

/**
 * Binds one port to its AWS adapter, built on first use. A Lambda entry lists only the bindings
 * its handler needs, so its bundle carries only those SDKs (esbuild drops the rest): the whole
 * set weighs ≈ 1.5 MB minified, over the 1 MiB bundle budget.
 */
export type AwsPortBinding = (bind: BindPort) => void;

const shared = sharedClient;
const dynamoDoc = (s: AwsClientSettings) =>
  shared('dynamodb-doc', s, () => documentClientFor(shared('dynamodb', s, () => createDynamoDbClient(s))));

export const eventStoreOnDynamoDb =
  (s: AwsClientSettings, table: string): AwsPortBinding =>
  (bind) =>
    bind(TOKENS.EventStore, () => new DynamoDbEventStore(dynamoDoc(s), table));

export const connectionRegistryOnDynamoDb =
  (s: AwsClientSettings, table: string, shardSize: number): AwsPortBinding =>
  (bind) =>
    bind(TOKENS.ConnectionRegistry, (get) => new DynamoDbConnectionRegistry(dynamoDoc(s), table, { shardSize, clock: get(TOKENS.Clock), sleeper: get(TOKENS.Sleeper) }));

export const feedOnKinesis =
  (s: AwsClientSettings, streamName: string): AwsPortBinding =>
  (bind) =>
    bind(TOKENS.FeedPublisher, (get) => new KinesisFeedPublisher(shared('kinesis', s, () => createKinesisClient(s)), streamName, { sleeper: get(TOKENS.Sleeper) }));

/**
 * The broadcast queue on SQS; with `offload`, bodies over the SQS limit go to S3 and the
 * broadcast handler reads them back (decodeQueueBody) from the same bucket.
 */
export const broadcastQueueOnSqs =
  (s: AwsClientSettings, queueUrl: string, offload?: { bucket: string; keyPrefix: string }): AwsPortBinding =>
  (bind) => {
    const store = offload ? () => new S3BlobStore(shared('s3', s, () => createS3Client(s)), offload.bucket) : undefined;
    bind(
      TOKENS.BroadcastQueue,
      (get) =>
        new SqsMessageQueue<BroadcastMessage>(shared('sqs', s, () => createSqsClient(s)), queueUrl, {
          sleeper: get(TOKENS.Sleeper),
          ...(offload && store ? { offload: { store: store(), keyPrefix: offload.keyPrefix } } : {}),
        }),
    );
    if (store) {
      bind(TOKENS.BroadcastBodyReader, () => {
        const blobs = store();
        return (body) => decodeQueueBody(body, blobs);
      });
    }
  };

export const connectionGatewayOnApiGateway =
  (s: AwsClientSettings, endpoint: string): AwsPortBinding =>
  (bind) =>
    bind(TOKENS.ConnectionGateway, (get) => {
      const logger = get(TOKENS.Logger);
      return new ApiGatewayConnectionGateway(shared(`apigw:${endpoint}`, s, () => createManagementApiClient(s, endpoint)), {
        sleeper: get(TOKENS.Sleeper),
        onFailure: (connectionId, error) => logger.warn('PostToConnection failed after retries', { connectionId, error }),
      });
    });

/** A resource the function was not configured with was asked for: a wiring bug, caught at init. */
export class MissingResourceError extends Error {
  override readonly name = 'MissingResourceError';
}

/** Makes asking for `token` fail with a message naming the variable the function lacks. */
export const unconfigured =
  <T>(token: Token<T>, port: string, variable: string, functionName: string): AwsPortBinding =>
  (bind) =>
    bind(token, () => {
      throw new MissingResourceError(`${port} needs ${variable}, which the ${functionName} function's configuration does not provide`);
    });

/** A container module rebinding the listed ports over the defaults of the shared wiring. */
export const awsPortsModule = (bindings: readonly AwsPortBinding[]): ContainerModule =>
  new ContainerModule(({ bind, isBound, rebind }) => {
    const set: BindPort = (token, factory) => {
      (isBound(token) ? rebind(token) : bind(token)).toDynamicValue((ctx) => factory((t) => ctx.get(t))).inSingletonScope();
    };
    for (const binding of bindings) binding(set);
  });

/** The SDK target of a Lambda: its Region, and emulator endpoints (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) when it runs against them. */
export const awsTargetOf = (config: { AWS_REGION: string; AWS_ENDPOINT_URL?: string | undefined }): AwsClientSettings => awsTargetFromConfig(config);

/**
 * The live-commerce ports a function did not list fail when asked for (naming the variable),
 * instead of falling back to the shared wiring's in-memory twins: a deployed function must
 * never run on memory by omission.
 */
const unlistedLivePorts = (functionName: string): AwsPortBinding[] => [
  unconfigured(TOKENS.EventStore, 'the event store', 'EVENTS_TABLE', functionName),
  unconfigured(TOKENS.ConnectionRegistry, 'the connection registry', 'CONNECTIONS_TABLE', functionName),
  unconfigured(TOKENS.FeedPublisher, 'the feed publisher', 'FEED_STREAM_NAME', functionName),
  unconfigured(TOKENS.BroadcastQueue, 'the broadcast queue', 'BROADCAST_QUEUE_URL', functionName),
  unconfigured(TOKENS.ConnectionGateway, 'the connection gateway', 'WS_MANAGEMENT_ENDPOINT', functionName),
];

export interface AwsFunctionOptions {
  /** The environment to read (process.env by default). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Feature modules (presence, booking, auction, recommendations) with their AWS port bindings. */
  readonly features?: (context: FeatureLambdaContext) => readonly ContainerModule[];
}

/**
 * The AWS composition root of one Lambda: its configuration read once from the environment
 * (config.ts validates it, failing the cold start with every bad variable named), the shared
 * use-case and handler wiring, and the ports `bindings` names on their AWS adapters, e.g.
 *   awsFunctionContainer('relay', (c) => [feedOnKinesis(awsTargetOf(c), c.FEED_STREAM_NAME)])
 */
export const awsFunctionContainer = <N extends LambdaName>(
  name: N,
  bindings: (config: LambdaConfig<N>) => readonly AwsPortBinding[],
  options: AwsFunctionOptions = {},
): Container => {
  const context = lambdaContext(name, options.env ?? process.env);
  const config = context.config as LambdaConfig<N> & { SHARD_SIZE?: number; LOG_LEVEL?: string; ALLOWED_ORIGINS?: readonly string[] };
  const logger: AwsPortBinding = (bind) => bind(TOKENS.Logger, () => context.logger);
  return createLocalContainer({
    // Limits of the in-instance budgets (abuse.module.ts) and the fan-out shard size; the rest is local-only.
    config: parseLocalConfig({ shardSize: config.SHARD_SIZE ?? 500, logLevel: config.LOG_LEVEL ?? 'INFO' }),
    modules: [awsPortsModule([logger, ...unlistedLivePorts(name), ...bindings(config)]), ...(options.features?.(context) ?? [])],
    // CORS answers only the configured origins; a function without ALLOWED_ORIGINS sends no CORS header.
    allowedOrigins: config.ALLOWED_ORIGINS ?? [],
  });
};

/**
 * Every live-commerce port on AWS, each from the function's own configuration, and a port whose
 * resource it lacks failing with `MissingResourceError`. For tests, tools and the emulator
 * runtime; a Lambda bundle should list its own bindings with `awsFunctionContainer`.
 */
export const awsContainer = (name: LambdaName, env: Readonly<Record<string, string | undefined>> = process.env): Container =>
  awsFunctionContainer(name, (config) => liveBindings(name, config as Record<string, unknown>), { env });

/** The live-commerce bindings for the variables present in `config` (names as in config.ts). */
export const liveBindings = (functionName: string, config: Readonly<Record<string, unknown>>, target?: AwsClientSettings): AwsPortBinding[] => {
  const str = (key: string): string | undefined => (typeof config[key] === 'string' && config[key] !== '' ? (config[key] as string) : undefined);
  const s = target ?? awsTargetFromConfig(config);
  const events = str('EVENTS_TABLE');
  const connections = str('CONNECTIONS_TABLE');
  const feed = str('FEED_STREAM_NAME');
  const queue = str('BROADCAST_QUEUE_URL');
  const bucket = str('BLOB_BUCKET');
  const endpoint = str('WS_MANAGEMENT_ENDPOINT');
  const shardSize = typeof config['SHARD_SIZE'] === 'number' ? config['SHARD_SIZE'] : 500;
  return [
    events ? eventStoreOnDynamoDb(s, events) : unconfigured(TOKENS.EventStore, 'the event store', 'EVENTS_TABLE', functionName),
    connections
      ? connectionRegistryOnDynamoDb(s, connections, shardSize)
      : unconfigured(TOKENS.ConnectionRegistry, 'the connection registry', 'CONNECTIONS_TABLE', functionName),
    feed ? feedOnKinesis(s, feed) : unconfigured(TOKENS.FeedPublisher, 'the feed publisher', 'FEED_STREAM_NAME', functionName),
    queue
      ? broadcastQueueOnSqs(s, queue, bucket ? { bucket, keyPrefix: str('BLOB_OFFLOAD_PREFIX') ?? 'offload/' } : undefined)
      : unconfigured(TOKENS.BroadcastQueue, 'the broadcast queue', 'BROADCAST_QUEUE_URL', functionName),
    endpoint
      ? connectionGatewayOnApiGateway(s, endpoint)
      : unconfigured(TOKENS.ConnectionGateway, 'the connection gateway', 'WS_MANAGEMENT_ENDPOINT', functionName),
  ];
};
