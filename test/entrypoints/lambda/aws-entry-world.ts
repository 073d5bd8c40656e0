import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { vi } from 'vitest';
import { toLambdaStreamRecord } from '../../../src/adapters/local/pollers/dynamodb-stream-mirror.js';
import {
  startConnectionsApiServer,
  type ConnectionsApiServer,
} from '../../../src/adapters/local/connections-api-server.js';
import {
  connectionsTable,
  countersTable,
  eventsTable,
  snapshotsTable,
  presenceTable,
} from '../../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../../src/adapters/dynamodb/table-provisioning.js';
import { ensureStream } from '../../../src/adapters/kinesis/stream-provisioning.js';
import { ensureBucket } from '../../../src/adapters/s3/bucket-provisioning.js';
import { ensureQueue } from '../../../src/adapters/sqs/queue-provisioning.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';

/** Frames the local `@connections` server received, per connection id. */
export class RecordingConnections {
  readonly frames = new Map<string, string[]>();
  readonly open = new Set<string>();
  post(connectionId: string, data: Buffer): boolean {
    if (!this.open.has(connectionId)) return false;
    this.frames.set(connectionId, [...(this.frames.get(connectionId) ?? []), data.toString('utf8')]);
    return true;
  }
  info(): null {
    return null;
  }
  close(): boolean {
    return false;
  }
}

export interface AwsEntryWorld {
  readonly clients: ReturnType<typeof emulatorClients>;
  /** One environment for every entry (each function's schema picks its own variables). */
  readonly env: Record<string, string>;
  readonly names: {
    events: string;
    snapshots: string;
    connections: string;
    presence: string;
    stats: string;
    feed: string;
    recommend: string;
    bucket: string;
  };
  readonly queues: Record<
    'broadcast' | 'booking' | 'bookingParked' | 'heartbeat' | 'scheduler',
    { url: string; arn: string }
  >;
  readonly eventsStreamArn: string;
  /** Every record of the events table's stream so far, shaped as Lambda's DynamoDB Streams mapping delivers them. */
  eventsStreamRecords(): Promise<DynamoDBRecord[]>;
  readonly connections: RecordingConnections;
  readonly connectionsApi: ConnectionsApiServer;
  /** Imports a Lambda entry afresh with `env` as its process environment: its container is built at this import. */
  importEntry<M>(load: () => Promise<M>): Promise<M>;
  stop(): Promise<void>;
}

/**
 * Every resource the stack creates, on the emulators the global setup started (unique names
 * per file), and the environment the stack would give the functions — with the SDK's
 * per-service endpoint variables pointing at the emulators instead of AWS.
 */
export const awsEntryWorld = async (): Promise<AwsEntryWorld> => {
  const clients = emulatorClients();
  const names = {
    events: uniqueName('events'),
    snapshots: uniqueName('snapshots'),
    connections: uniqueName('connections'),
    presence: uniqueName('presence'),
    stats: uniqueName('stats'),
    feed: uniqueName('feed'),
    recommend: uniqueName('recommend'),
    bucket: uniqueName('blobs'),
  };
  const [{ streamArn }] = await Promise.all([
    ensureTable(clients.dynamodb, names.events, eventsTable),
    ensureTable(clients.dynamodb, names.snapshots, snapshotsTable),
    ensureTable(clients.dynamodb, names.connections, connectionsTable),
    ensureTable(clients.dynamodb, names.presence, presenceTable),
    ensureTable(clients.dynamodb, names.stats, countersTable),
    ensureStream(clients.kinesis, names.feed, 1),
    ensureStream(clients.kinesis, names.recommend, 1),
    ensureBucket(clients.s3, names.bucket),
  ]);
  if (!streamArn) throw new Error(`table ${names.events} has no stream`);
  const queues = {
    broadcast: await ensureQueue(clients.sqs, { name: uniqueName('broadcast') }),
    booking: await ensureQueue(clients.sqs, { name: `${uniqueName('booking')}.fifo` }),
    bookingParked: await ensureQueue(clients.sqs, { name: uniqueName('booking-parked') }),
    heartbeat: await ensureQueue(clients.sqs, { name: uniqueName('heartbeat') }),
    scheduler: await ensureQueue(clients.sqs, { name: uniqueName('scheduler') }),
  };
  const connections = new RecordingConnections();
  const connectionsApi = await startConnectionsApiServer(connections);
  const { endpoints } = clients;
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    LOG_LEVEL: 'SILENT',
    EVENTS_TABLE: names.events,
    SNAPSHOTS_TABLE: names.snapshots,
    CONNECTIONS_TABLE: names.connections,
    PRESENCE_TABLE: names.presence,
    STATS_TABLE: names.stats,
    FEED_STREAM_NAME: names.feed,
    RECOMMEND_STREAM_NAME: names.recommend,
    BROADCAST_QUEUE_URL: queues.broadcast.url,
    BOOKING_QUEUE_URL: queues.booking.url,
    BOOKING_PARKED_QUEUE_URL: queues.bookingParked.url,
    HEARTBEAT_QUEUE_URL: queues.heartbeat.url,
    SCHEDULER_QUEUE_URL: queues.scheduler.url,
    BLOB_BUCKET: names.bucket,
    WS_MANAGEMENT_ENDPOINT: connectionsApi.endpoint,
  };
  const saved = { ...process.env };
  const eventsStreamRecords = async (): Promise<DynamoDBRecord[]> => {
    const streams = clients.dynamodbStreams;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: _Record[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      if (ShardIterator)
        records.push(...((await streams.send(new GetRecordsCommand({ ShardIterator }))).Records ?? []));
    }
    return records.map((r) => toLambdaStreamRecord(r, streamArn) as DynamoDBRecord);
  };
  return {
    clients,
    env,
    names,
    queues,
    eventsStreamArn: streamArn,
    eventsStreamRecords,
    connections,
    connectionsApi,
    importEntry: async (load) => {
      vi.resetModules();
      for (const key of Object.keys(process.env)) delete process.env[key];
      Object.assign(process.env, { PATH: saved['PATH'] ?? '' }, env);
      return load();
    },
    stop: async () => {
      for (const key of Object.keys(process.env)) delete process.env[key];
      Object.assign(process.env, saved);
      await connectionsApi.stop();
    },
  };
};
