import { createDynamoDbClient, type AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';

export type { AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';

// One SDK client per service and target per process (one Lambda instance), shared by every port using it.
const sharedClients = new Map<string, unknown>();

/** The process-wide SDK client for `service` at `settings`, made on first use. */
export const sharedClient = <T>(service: string, settings: AwsClientSettings, make: () => T): T => {
  const id = `${service}|${settings.region}|${JSON.stringify(settings.endpoints ?? {})}`;
  if (!sharedClients.has(id)) sharedClients.set(id, make());
  return sharedClients.get(id) as T;
};

/** The shared DynamoDB DocumentClient at `s`. */
export const dynamoDoc = (s: AwsClientSettings) =>
  sharedClient('dynamodb-doc', s, () => documentClientFor(sharedClient('dynamodb', s, () => createDynamoDbClient(s))));

const SERVICES = ['dynamodb', 'kinesis', 'sqs', 's3', 'sns'] as const;

interface TargetSettings {
  readonly AWS_REGION: string;
  readonly AWS_ENDPOINT_URL?: string | undefined;
  readonly AWS_ENDPOINT_URL_DYNAMODB?: string | undefined;
  readonly AWS_ENDPOINT_URL_KINESIS?: string | undefined;
  readonly AWS_ENDPOINT_URL_SQS?: string | undefined;
  readonly AWS_ENDPOINT_URL_S3?: string | undefined;
  readonly AWS_ENDPOINT_URL_SNS?: string | undefined;
}

/**
 * The SDK target of a Lambda: its Region, and emulator endpoints when it runs against them —
 * AWS_ENDPOINT_URL for all services, AWS_ENDPOINT_URL_<SERVICE> (the SDK's own names) for one.
 */
export const awsTargetOf = (config: TargetSettings): AwsClientSettings => {
  const endpoints: Record<string, string> = {};
  for (const service of SERVICES) {
    const endpoint =
      config[`AWS_ENDPOINT_URL_${service.toUpperCase() as Uppercase<typeof service>}`] ?? config.AWS_ENDPOINT_URL;
    if (endpoint !== undefined && endpoint !== '') endpoints[service] = endpoint;
  }
  return { region: config.AWS_REGION, ...(Object.keys(endpoints).length > 0 ? { endpoints } : {}) };
};
