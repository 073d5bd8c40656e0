import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where the SDK clients point: AWS (no endpoints) or emulators. */
export interface AwsClientSettings {
  readonly region: string;
  /** Emulator URLs; unset in AWS. */
  readonly endpoints?: {
    readonly dynamodb?: string;
    readonly kinesis?: string;
    readonly sqs?: string;
    readonly s3?: string;
    readonly sns?: string;
  };
  /** Fixed credentials for emulators; unset in AWS (the Lambda role's are used). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  /** Used only where a poller stands in for Lambda's DynamoDB Streams mapping (local runtime). */
  readonly dynamodbStreams: DynamoDBStreamsClient;
  readonly kinesis: KinesisClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  /** A Management API client per WebSocket API stage endpoint. */
  managementApi(endpoint: string): ApiGatewayManagementApiClient;
}

const baseOf = (settings: AwsClientSettings) => ({
  region: settings.region,
  ...(settings.credentials ? { credentials: settings.credentials } : {}),
});
const at = (endpoint: string | undefined) => (endpoint ? { endpoint } : {});

/**
 * One client per service, for a function that needs only a few of them: a bundle then holds
 * only those SDKs (they are side-effect free, so esbuild drops the others), which keeps a
 * single-purpose Lambda such as `presence` well inside its size budget.
 */
export const createDynamoDbClient = (settings: AwsClientSettings): DynamoDBClient =>
  new DynamoDBClient({ ...baseOf(settings), ...at(settings.endpoints?.dynamodb) });
export const createSqsClient = (settings: AwsClientSettings): SQSClient =>
  new SQSClient({ ...baseOf(settings), ...at(settings.endpoints?.sqs) });
/**
 * SNS: the SDK's adaptive retry mode for throttling (Throttling / 429 on PublishBatch): it retries
 * the whole call with back-off and, once throttled, rate-limits this client's sends (a client-side
 * token bucket), so a busy publisher slows down instead of burning its attempts. Entries a
 * successful call reports `Failed` are the adapter's to retry (integration-publisher-adapter-sns.ts).
 */
export const createSnsClient = (settings: AwsClientSettings): SNSClient =>
  new SNSClient({ ...baseOf(settings), ...at(settings.endpoints?.sns), retryMode: 'adaptive', maxAttempts: 5 });
// Emulators serve buckets by path, not by virtual host.
export const createS3Client = (settings: AwsClientSettings): S3Client =>
  new S3Client({
    ...baseOf(settings),
    ...at(settings.endpoints?.s3),
    ...(settings.endpoints?.s3 ? { forcePathStyle: true } : {}),
  });

// HTTP/1.1: kinesalite refuses the default HTTP/2 handler, and PutRecords/GetRecords need no HTTP/2.
export const createKinesisClient = (settings: AwsClientSettings): KinesisClient =>
  new KinesisClient({ ...baseOf(settings), ...at(settings.endpoints?.kinesis), requestHandler: new NodeHttpHandler() });
// The gateway adapter retries throttling itself (see its comment): one SDK attempt each.
export const createManagementApiClient = (
  settings: AwsClientSettings,
  endpoint: string,
): ApiGatewayManagementApiClient =>
  new ApiGatewayManagementApiClient({ ...baseOf(settings), endpoint, maxAttempts: 1 });

/** SDK clients, built once per Lambda instance (module scope) and shared by every adapter. */
export const createAwsClients = (settings: AwsClientSettings): AwsClients => {
  const base = baseOf(settings);
  const managementClients = new Map<string, ApiGatewayManagementApiClient>();
  return {
    dynamodb: createDynamoDbClient(settings),
    dynamodbStreams: new DynamoDBStreamsClient({ ...base, ...at(settings.endpoints?.dynamodb) }),
    kinesis: createKinesisClient(settings),
    sqs: createSqsClient(settings),
    s3: createS3Client(settings),
    managementApi: (endpoint) => {
      let client = managementClients.get(endpoint);
      if (!client) {
        client = createManagementApiClient(settings, endpoint);
        managementClients.set(endpoint, client);
      }
      return client;
    },
  };
};
