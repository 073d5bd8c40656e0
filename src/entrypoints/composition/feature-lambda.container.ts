import 'reflect-metadata';
import { Logger } from '@aws-lambda-powertools/logger';
import { Container, type ContainerModule } from 'inversify';
import { createDynamoDbClient, type AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../adapters/dynamodb/event-store-adapter-dynamodb.js';
import { realSleeper, systemClock, uuidIds } from '../../adapters/system/system-clock.js';
import { loadLambdaConfig, type LambdaName } from './config.js';
import { resource } from './feature-config.js';
import { TOKENS } from './tokens.js';

/**
 * What a feature's AWS module gets to bind its ports: the same for every Lambda, whichever of
 * the two container shapes below it runs in.
 */
export interface FeatureLambdaContext {
  /** The function's configuration, validated at init (config.ts). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Region and emulator endpoints, for the feature's own SDK clients (built with `sharedClient`). */
  readonly clientSettings: AwsClientSettings;
  /** The shared DynamoDB client (the event store and the feature's tables). */
  readonly dynamodb: () => ReturnType<typeof createDynamoDbClient>;
  /** The function's logger (POWERTOOLS_SERVICE_NAME, LOG_LEVEL), bound as TOKENS.Logger. */
  readonly logger: Logger;
}

// One SDK client per service and target per process (one Lambda instance), shared by every port using it.
const sharedClients = new Map<string, unknown>();

/** The process-wide SDK client for `service` at `settings`, made on first use. */
export const sharedClient = <T>(service: string, settings: AwsClientSettings, make: () => T): T => {
  const id = `${service}|${settings.region}|${JSON.stringify(settings.endpoints ?? {})}`;
  if (!sharedClients.has(id)) sharedClients.set(id, make());
  return sharedClients.get(id) as T;
};

const SERVICES = ['dynamodb', 'kinesis', 'sqs', 's3'] as const;

/**
 * The SDK target of a Lambda: its Region, and emulator endpoints when it runs against them —
 * AWS_ENDPOINT_URL for all services, AWS_ENDPOINT_URL_<SERVICE> (the SDK's own names) for one.
 */
export const awsTargetFromConfig = (config: Readonly<Record<string, unknown>>): AwsClientSettings => {
  const str = (key: string): string | undefined => (typeof config[key] === 'string' && config[key] !== '' ? (config[key] as string) : undefined);
  const all = str('AWS_ENDPOINT_URL');
  const endpoints: Record<string, string> = {};
  for (const service of SERVICES) {
    const endpoint = str(`AWS_ENDPOINT_URL_${service.toUpperCase()}`) ?? all;
    if (endpoint !== undefined) endpoints[service] = endpoint;
  }
  return { region: str('AWS_REGION') ?? 'us-east-1', ...(Object.keys(endpoints).length > 0 ? { endpoints } : {}) };
};

/** Reads and validates the function's configuration once (a bad environment fails the cold start naming every variable). */
export const lambdaContext = (name: LambdaName, env: Readonly<Record<string, string | undefined>> = process.env): FeatureLambdaContext => {
  const config = loadLambdaConfig(name, env) as Record<string, unknown>;
  const clientSettings = awsTargetFromConfig(config);
  const str = (key: string, fallback: string): string => (typeof config[key] === 'string' ? (config[key] as string) : fallback);
  return {
    config,
    clientSettings,
    dynamodb: () => sharedClient('dynamodb', clientSettings, () => createDynamoDbClient(clientSettings)),
    logger: new Logger({ serviceName: str('POWERTOOLS_SERVICE_NAME', 'stampede'), logLevel: str('LOG_LEVEL', 'INFO') as 'INFO' }),
  };
};

/**
 * The AWS composition root has two shapes over one `FeatureLambdaContext`:
 *  - this one, for single-purpose consumers (presence, booking, auction-close): the kernel
 *    (logger, clock, ids, sleeper), the DynamoDB event store and the feature's modules — nothing
 *    else, so the bundle carries only the SDK clients the feature uses;
 *  - `awsFunctionContainer` (aws.container.ts), for the functions on the live-commerce wiring
 *    (relay, fanout, broadcast, ws-*, http-api): the same context and feature modules over the
 *    shared use cases, router and WebSocket action registry.
 */
export const featureLambdaContainer = (
  name: LambdaName,
  features: (context: FeatureLambdaContext) => readonly ContainerModule[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Container => {
  const context = lambdaContext(name, env);
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TOKENS.Logger).toConstantValue(context.logger);
  container.bind(TOKENS.Clock).toConstantValue(systemClock);
  container.bind(TOKENS.Ids).toConstantValue(uuidIds);
  container.bind(TOKENS.Sleeper).toConstantValue(realSleeper);
  container
    .bind(TOKENS.EventStore)
    .toDynamicValue(() => new DynamoDbEventStore(documentClientFor(context.dynamodb()), resource(context.config, 'EVENTS_TABLE', 'the event store')))
    .inSingletonScope();
  container.load(...features(context));
  return container;
};
