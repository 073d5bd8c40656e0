import 'reflect-metadata';
import { ContainerModule, type Container } from 'inversify';
import { ApiGatewayConnectionGateway } from '../../adapters/apigateway/connection-gateway-adapter-apigateway.js';
import { createAwsClients, type AwsClients } from '../../adapters/aws-shared/aws-clients.js';
import { DynamoDbConnectionRegistry } from '../../adapters/dynamodb/connection-registry-adapter-dynamodb.js';
import { DynamoDbCounterStore } from '../../adapters/dynamodb/counter-store-adapter-dynamodb.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../adapters/dynamodb/event-store-adapter-dynamodb.js';
import { DynamoDbPresenceStore } from '../../adapters/dynamodb/presence-store-adapter-dynamodb.js';
import { KinesisFeedPublisher } from '../../adapters/kinesis/feed-publisher-adapter-kinesis.js';
import { S3BlobStore } from '../../adapters/s3/blob-store-adapter-s3.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue-adapter-sqs.js';
import type { Clock } from '../../application/ports/clock.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import type { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import { parseLocalConfig } from '../local/local-config.js';
import { loadLambdaConfig, type LambdaName } from './config.js';
import { createLocalContainer } from './local.container.js';
import { TOKENS, type Token } from './tokens.js';

export { createAwsClients, type AwsClients, type AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';

/** Names of the live-commerce resources (the CDK stack's outputs, or what the emulator backend created). */
export interface LiveResources {
  readonly eventsTable?: string;
  readonly connectionsTable?: string;
  readonly feedStreamName?: string;
  readonly broadcastQueueUrl?: string;
  readonly blobBucket?: string;
  readonly blobOffloadPrefix?: string;
  readonly wsManagementEndpoint?: string;
  readonly shardSize: number;
}

/** A resource this function was not configured with was asked for: a wiring bug, caught at init. */
export class MissingResourceError extends Error {
  override readonly name = 'MissingResourceError';
}

const need = <K extends keyof LiveResources>(resources: LiveResources, key: K, context: string): NonNullable<LiveResources[K]> => {
  const value = resources[key];
  if (value === undefined || value === '') {
    throw new MissingResourceError(`${context} needs ${String(key)}, which this function's configuration does not provide`);
  }
  return value as NonNullable<LiveResources[K]>;
};

/**
 * Rebinds the live-commerce ports of the shared wiring (`createLocalContainer`) to the AWS
 * adapters: DynamoDB event store and connection registry, Kinesis feed, SQS broadcast queue
 * (S3 offload), API Gateway Management API. Each is built on first use, so a function only
 * touches — and only needs configuration for — the resources its handler uses.
 * `gateway: false` leaves the connection gateway as it is (the emulator backend swaps it later).
 */
export const awsLiveModule = (clients: AwsClients, resources: LiveResources, options: { gateway?: boolean } = {}): ContainerModule =>
  new ContainerModule(({ bind, isBound, rebind }) => {
    const set = <T>(token: Token<T>, factory: (get: <U>(t: Token<U>) => U) => T): void => {
      (isBound(token) ? rebind(token) : bind(token)).toDynamicValue((ctx) => factory((t) => ctx.get(t))).inSingletonScope();
    };
    const kernel = (get: <U>(t: Token<U>) => U): { clock: Clock; sleeper: Sleeper } => ({ clock: get(TOKENS.Clock), sleeper: get(TOKENS.Sleeper) });
    const doc = documentClientFor(clients.dynamodb);
    set(TOKENS.EventStore, () => new DynamoDbEventStore(doc, need(resources, 'eventsTable', 'the event store')));
    set(TOKENS.FeedPublisher, (get) => new KinesisFeedPublisher(clients.kinesis, need(resources, 'feedStreamName', 'the feed publisher'), kernel(get)));
    set(
      TOKENS.BroadcastQueue,
      (get) =>
        new SqsMessageQueue<BroadcastMessage>(clients.sqs, need(resources, 'broadcastQueueUrl', 'the broadcast queue'), {
          sleeper: get(TOKENS.Sleeper),
          ...(resources.blobBucket
            ? { offload: { store: new S3BlobStore(clients.s3, resources.blobBucket), keyPrefix: resources.blobOffloadPrefix ?? 'offload/' } }
            : {}),
        }),
    );
    set(
      TOKENS.ConnectionRegistry,
      (get) => new DynamoDbConnectionRegistry(doc, need(resources, 'connectionsTable', 'the connection registry'), { shardSize: resources.shardSize, ...kernel(get) }),
    );
    if (options.gateway !== false) {
      set(TOKENS.ConnectionGateway, (get) => {
        const logger = get(TOKENS.Logger);
        return new ApiGatewayConnectionGateway(clients.managementApi(need(resources, 'wsManagementEndpoint', 'the connection gateway')), {
          sleeper: get(TOKENS.Sleeper),
          onFailure: (connectionId, error) => logger.warn('PostToConnection failed after retries', { connectionId, error }),
        });
      });
    }
  });

/** Presence and counters on DynamoDB, blobs on S3: for the feature modules that bind these ports. */
export const awsFeatureAdapters = (clients: AwsClients, kernel: { clock: Clock; sleeper: Sleeper }) => {
  const doc = documentClientFor(clients.dynamodb);
  return {
    presenceStore: (table: string) => new DynamoDbPresenceStore(doc, table, { clock: kernel.clock }),
    counterStore: (table: string) => new DynamoDbCounterStore(doc, table, kernel),
    blobStore: (bucket: string) => new S3BlobStore(clients.s3, bucket),
    queue: <T>(queueUrl: string, offload?: { bucket: string; keyPrefix: string }) =>
      new SqsMessageQueue<T>(clients.sqs, queueUrl, {
        sleeper: kernel.sleeper,
        ...(offload ? { offload: { store: new S3BlobStore(clients.s3, offload.bucket), keyPrefix: offload.keyPrefix } } : {}),
      }),
  };
};

/**
 * The AWS composition root of one Lambda: its configuration read once from the environment
 * (validated by config.ts, failing the cold start with every bad variable named), the shared
 * use-case and handler wiring, and the AWS adapters behind the live-commerce ports.
 */
/** A feature's AWS port bindings, built from the function's validated configuration and the shared SDK clients. */
export type AwsFeatureModules = (context: { readonly clients: AwsClients; readonly config: Readonly<Record<string, unknown>> }) => readonly ContainerModule[];

export const awsContainer = (
  name: LambdaName,
  env: Readonly<Record<string, string | undefined>> = process.env,
  features: AwsFeatureModules = () => [],
): Container => {
  const config = loadLambdaConfig(name, env) as Record<string, unknown>;
  const str = (key: string): string | undefined => (typeof config[key] === 'string' ? (config[key] as string) : undefined);
  const endpoint = str('AWS_ENDPOINT_URL');
  const clients = createAwsClients({
    region: str('AWS_REGION') ?? 'us-east-1',
    ...(endpoint ? { endpoints: { dynamodb: endpoint, kinesis: endpoint, sqs: endpoint, s3: endpoint } } : {}),
  });
  const resources: LiveResources = {
    shardSize: typeof config['SHARD_SIZE'] === 'number' ? config['SHARD_SIZE'] : 500,
    ...pick('eventsTable', str('EVENTS_TABLE')),
    ...pick('connectionsTable', str('CONNECTIONS_TABLE')),
    ...pick('feedStreamName', str('FEED_STREAM_NAME')),
    ...pick('broadcastQueueUrl', str('BROADCAST_QUEUE_URL')),
    ...pick('blobBucket', str('BLOB_BUCKET')),
    ...pick('blobOffloadPrefix', str('BLOB_OFFLOAD_PREFIX')),
    ...pick('wsManagementEndpoint', str('WS_MANAGEMENT_ENDPOINT')),
  };
  return createLocalContainer({
    config: parseLocalConfig({ shardSize: resources.shardSize, logLevel: str('LOG_LEVEL') ?? 'INFO' }),
    modules: [awsLiveModule(clients, resources), ...features({ clients, config })],
  });
};

const pick = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;
