import { randomUUID } from 'node:crypto';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { inject } from 'vitest';

const region = 'us-east-1';
// Emulators accept any credentials; fixed ones keep the SDK from searching the machine for some.
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** SDK clients pointed at the emulators the global setup started. */
export const emulatorClients = () => {
  const endpoints = inject('emulators');
  if (!endpoints) {
    throw new Error(
      'no emulators were started for this file: add its path to the emulator project globs in vitest.config.ts',
    );
  }
  return {
    endpoints,
    dynamodb: new DynamoDBClient({ endpoint: endpoints.dynamodb, region, credentials }),
    dynamodbStreams: new DynamoDBStreamsClient({ endpoint: endpoints.dynamodb, region, credentials }),
    // kinesalite fails with the default HTTP/2 handler.
    kinesis: new KinesisClient({
      endpoint: endpoints.kinesis,
      region,
      credentials,
      requestHandler: new NodeHttpHandler(),
    }),
    sqs: new SQSClient({ endpoint: endpoints.sqs, region, credentials }),
    s3: new S3Client({ endpoint: endpoints.s3, region, credentials, forcePathStyle: true }),
  };
};

/** A Management API client for a local `@connections` server; the adapter retries throttling itself. */
export const managementApiClient = (endpoint: string): ApiGatewayManagementApiClient =>
  new ApiGatewayManagementApiClient({ endpoint, region, credentials, maxAttempts: 1 });

/** A resource name unique to this run and file, so files sharing an emulator never collide. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
