import { ApiGatewayConnectionGateway } from '../../adapters/apigateway/connection-gateway-adapter-apigateway.js';
import {
  createKinesisClient,
  createManagementApiClient,
  createS3Client,
  createSqsClient,
  type AwsClientSettings,
} from '../../adapters/aws-shared/aws-clients.js';
import { DynamoDbConnectionRegistry } from '../../adapters/dynamodb/connection-registry-adapter-dynamodb.js';
import { DynamoDbEventStore } from '../../adapters/dynamodb/event-store-adapter-dynamodb.js';
import { DynamoDbSnapshotStore } from '../../adapters/dynamodb/snapshot-store-adapter-dynamodb.js';
import { KinesisFeedPublisher } from '../../adapters/kinesis/feed-publisher-adapter-kinesis.js';
import { S3BlobStore } from '../../adapters/s3/blob-store-adapter-s3.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue-adapter-sqs.js';
import { decodeQueueBody } from '../../adapters/sqs/queue-body-codec.js';
import type { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import { dynamoDoc, sharedClient } from './aws-target.js';
import { TOKENS, type Binding } from './tokens.js';

/*
 * The live-commerce ports on AWS, one binding each, built on first use. A Lambda root lists only
 * the bindings its handler needs, so its bundle carries only those SDK clients (esbuild drops the
 * rest): the whole set weighs ≈ 1.5 MB minified, over the 1 MiB bundle budget.
 */

export const eventStoreOnDynamoDb =
  (s: AwsClientSettings, table: string): Binding =>
  (bind) =>
    bind(TOKENS.EventStore, () => new DynamoDbEventStore(dynamoDoc(s), table));

export const snapshotStoreOnDynamoDb =
  (s: AwsClientSettings, table: string): Binding =>
  (bind) =>
    bind(TOKENS.SnapshotStore, () => new DynamoDbSnapshotStore(dynamoDoc(s), table));

export const connectionRegistryOnDynamoDb =
  (s: AwsClientSettings, table: string, shardSize: number): Binding =>
  (bind) =>
    bind(
      TOKENS.ConnectionRegistry,
      (get) =>
        new DynamoDbConnectionRegistry(dynamoDoc(s), table, {
          shardSize,
          clock: get(TOKENS.Clock),
          sleeper: get(TOKENS.Sleeper),
        }),
    );

export const feedOnKinesis =
  (s: AwsClientSettings, streamName: string): Binding =>
  (bind) =>
    bind(
      TOKENS.FeedPublisher,
      (get) =>
        new KinesisFeedPublisher(
          sharedClient('kinesis', s, () => createKinesisClient(s)),
          streamName,
          { sleeper: get(TOKENS.Sleeper) },
        ),
    );

/**
 * The broadcast queue on SQS; bodies over the SQS limit go to S3 (`offload`) and the broadcast
 * handler reads them back (decodeQueueBody) from the same bucket.
 */
export const broadcastQueueOnSqs =
  (s: AwsClientSettings, queueUrl: string, offload: { readonly bucket: string; readonly keyPrefix: string }): Binding =>
  (bind) => {
    const store = () =>
      new S3BlobStore(
        sharedClient('s3', s, () => createS3Client(s)),
        offload.bucket,
      );
    bind(
      TOKENS.BroadcastQueue,
      (get) =>
        new SqsMessageQueue<BroadcastMessage>(
          sharedClient('sqs', s, () => createSqsClient(s)),
          queueUrl,
          {
            sleeper: get(TOKENS.Sleeper),
            offload: { store: store(), keyPrefix: offload.keyPrefix },
          },
        ),
    );
    bind(TOKENS.BroadcastBodyReader, () => {
      const blobs = store();
      return (body) => decodeQueueBody(body, blobs);
    });
  };

export const connectionGatewayOnApiGateway =
  (s: AwsClientSettings, endpoint: string): Binding =>
  (bind) =>
    bind(TOKENS.ConnectionGateway, (get) => {
      const logger = get(TOKENS.Logger);
      return new ApiGatewayConnectionGateway(
        sharedClient(`apigw:${endpoint}`, s, () => createManagementApiClient(s, endpoint)),
        {
          sleeper: get(TOKENS.Sleeper),
          onFailure: (connectionId, error) =>
            logger.warn('PostToConnection failed after retries', { connectionId, error }),
        },
      );
    });
