import 'reflect-metadata';
import { Logger } from '@aws-lambda-powertools/logger';
import { Container, type ContainerModule } from 'inversify';
import { createDynamoDbClient, type AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../adapters/dynamodb/event-store-adapter-dynamodb.js';
import { realSleeper, systemClock, uuidIds } from '../../adapters/system/system-clock.js';
import { loadLambdaConfig, type LambdaName } from './config.js';
import { once, resource } from './feature-config.js';
import { TOKENS } from './tokens.js';

export interface FeatureLambdaContext {
  /** The function's configuration, validated at init (config.ts). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Region and emulator endpoints, for the feature's own SDK clients. */
  readonly clientSettings: AwsClientSettings;
  /** The shared DynamoDB client (the event store and the feature's tables). */
  readonly dynamodb: () => ReturnType<typeof createDynamoDbClient>;
}

/**
 * The composition root of a single-purpose Lambda (presence, booking, auction-close): its
 * configuration read once (a bad environment fails the cold start naming every variable), the
 * kernel (logger, clock, ids, sleeper), the DynamoDB event store, and the feature's modules —
 * and nothing else, so the bundle carries only the SDK clients the feature uses.
 */
export const featureLambdaContainer = (
  name: LambdaName,
  features: (context: FeatureLambdaContext) => readonly ContainerModule[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Container => {
  const config = loadLambdaConfig(name, env) as Record<string, unknown>;
  const str = (key: string): string | undefined => (typeof config[key] === 'string' ? (config[key] as string) : undefined);
  const endpoint = str('AWS_ENDPOINT_URL');
  const clientSettings: AwsClientSettings = {
    region: str('AWS_REGION') ?? 'us-east-1',
    ...(endpoint ? { endpoints: { dynamodb: endpoint, sqs: endpoint, s3: endpoint } } : {}),
  };
  const dynamodb = once(() => createDynamoDbClient(clientSettings));
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TOKENS.Logger).toConstantValue(
    new Logger({ serviceName: str('POWERTOOLS_SERVICE_NAME') ?? 'stampede', logLevel: (str('LOG_LEVEL') ?? 'INFO') as 'INFO' }),
  );
  container.bind(TOKENS.Clock).toConstantValue(systemClock);
  container.bind(TOKENS.Ids).toConstantValue(uuidIds);
  container.bind(TOKENS.Sleeper).toConstantValue(realSleeper);
  container
    .bind(TOKENS.EventStore)
    .toDynamicValue(() => new DynamoDbEventStore(documentClientFor(dynamodb()), resource(config, 'EVENTS_TABLE', 'the event store')))
    .inSingletonScope();
  container.load(...features({ config, clientSettings, dynamodb }));
  return container;
};
