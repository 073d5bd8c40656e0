import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where the SDK clients point: AWS (no endpoints) or emulators. */
export interface AwsClientSettings {
  readonly region: string;
  /** Emulator URLs; unset in AWS. */
  readonly endpoints?: { readonly dynamodb?: string; readonly kinesis?: string; readonly sqs?: string; readonly s3?: string };
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

/** SDK clients, built once per Lambda instance (module scope) and shared by every adapter. */
export const createAwsClients = (settings: AwsClientSettings): AwsClients => {
  const base = { region: settings.region, ...(settings.credentials ? { credentials: settings.credentials } : {}) };
  const at = (endpoint: string | undefined) => (endpoint ? { endpoint } : {});
  const managementClients = new Map<string, ApiGatewayManagementApiClient>();
  return {
    dynamodb: new DynamoDBClient({ ...base, ...at(settings.endpoints?.dynamodb) }),
    dynamodbStreams: new DynamoDBStreamsClient({ ...base, ...at(settings.endpoints?.dynamodb) }),
    // HTTP/1.1: kinesalite refuses the default HTTP/2 handler, and PutRecords/GetRecords need no HTTP/2.
    kinesis: new KinesisClient({ ...base, ...at(settings.endpoints?.kinesis), requestHandler: new NodeHttpHandler() }),
    sqs: new SQSClient({ ...base, ...at(settings.endpoints?.sqs) }),
    // Emulators serve buckets by path, not by virtual host.
    s3: new S3Client({ ...base, ...at(settings.endpoints?.s3), ...(settings.endpoints?.s3 ? { forcePathStyle: true } : {}) }),
    managementApi: (endpoint) => {
      let client = managementClients.get(endpoint);
      if (!client) {
        // The gateway adapter retries throttling itself (see its comment): one SDK attempt each.
        client = new ApiGatewayManagementApiClient({ ...base, endpoint, maxAttempts: 1 });
        managementClients.set(endpoint, client);
      }
      return client;
    },
  };
};
