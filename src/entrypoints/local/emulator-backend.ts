import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectionsTable, eventsTable, snapshotsTable } from '../../adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../adapters/dynamodb/table-provisioning.js';
import { ensureStream } from '../../adapters/kinesis/stream-provisioning.js';
import { GatewayTarget, startConnectionsApiServer } from '../../adapters/local/connections-api-server.js';
import { startEmulators, type EmulatorEndpoints } from '../../adapters/local/emulators/start-emulators.js';
import { FileShardCheckpoints } from '../../adapters/local/pollers/shard-checkpoints.js';
import { SqsEventSource } from '../../adapters/local/pollers/sqs-event-source.js';
import { lockDataDir } from '../../adapters/local/data-dir-lock.js';
import { ensureBucket } from '../../adapters/s3/bucket-provisioning.js';
import { ensureQueue } from '../../adapters/sqs/queue-provisioning.js';
import { createAwsClients } from '../../adapters/aws-shared/aws-clients.js';
import type { AwsClientSettings } from '../composition/aws-target.js';
import {
  broadcastQueueOnSqs,
  connectionGatewayOnApiGateway,
  connectionRegistryOnDynamoDb,
  eventStoreOnDynamoDb,
  feedOnKinesis,
  snapshotStoreOnDynamoDb,
} from '../composition/live.aws.module.js';
import { bindingsModule, TOKENS } from '../composition/tokens.js';
import { memoryAbusePorts } from './local.container.js';
import { emulatorEnv } from './emulator-env.js';
import { emulatorResourceNames, type LocalBackend, type RunningEventSource } from './local-extensions.js';

export { emulatorResourceNames } from './local-extensions.js';

export interface EmulatorBackendOptions {
  /** Use emulators that are already running (tests) instead of starting them; they are left running on stop. */
  readonly endpoints?: EmulatorEndpoints;
  /** Appended to every resource name. */
  readonly suffix?: string;
  /** Prepended to every Redis key (with `--redis-url`); none by default, as in AWS, so `npm run rebuild-recommendations` finds them. */
  readonly redisKeyPrefix?: string;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * `npm start -- --backend emulators`: the same handlers as the in-memory backend, but every
 * live-commerce port speaks the real AWS protocol to local emulators — DynamoDB Local (events
 * and connections tables, the events stream), kinesalite (the feed), fauxqs (the broadcast
 * queue with its DLQ, and S3) — and frames go through the API Gateway Management API adapter to
 * a local `@connections` server that writes to the runtime's WebSocket server. Pollers stand in
 * for Lambda's event source mappings: DynamoDB Streams and Kinesis GetRecords feed the local
 * stream event source; SQS long polling feeds the broadcast handler. Every other feature runs
 * on AWS adapters too: booking (FIFO queue, stats table, stats.json in S3), presence (heartbeat
 * queue, presence table), auction closes (scheduler queue with delays) and recommendations
 * (request stream and a second feed consumer on kinesalite; Redis with `--redis-url`) — see the
 * `emulators` part of each `*.feature.ts`. Only the cache and read model of recommendations stay in memory
 * without `--redis-url`.
 */
export const createEmulatorBackend =
  (options: EmulatorBackendOptions = {}): LocalBackend =>
  async (config) => {
    const dataDir = config.dataDir ? resolve(config.dataDir) : undefined;
    // Locked before anything touches the directory; released last, after the emulators stopped.
    const lock = dataDir
      ? lockDataDir(dataDir, { onStaleTakeover: (message) => console.warn(`[stampede] ${message}`) })
      : undefined;
    const stops: Array<() => Promise<void>> = [async () => lock?.release()];
    let emulators;
    try {
      emulators = options.endpoints
        ? { endpoints: options.endpoints, startMs: null, pids: null, stop: async () => undefined }
        : await startEmulators({
            cacheDir: join(process.cwd(), '.emulators'),
            ...(dataDir ? { dataDir } : {}),
            onWarning: (message) => console.warn(`[stampede] ${message}`),
          });
    } catch (error) {
      lock?.release();
      throw error;
    }
    const running = emulators;
    stops.unshift(() => running.stop());
    try {
      // Who to look for after a kill: the runtime and the emulator processes it started.
      const pids = emulators.pids
        ? { runtime: process.pid, dynamodb: emulators.pids.dynamodb, emulators: emulators.pids.node }
        : null;
      if (dataDir && pids) writeFileSync(join(dataDir, 'pids.json'), JSON.stringify(pids));
      const checkpointDir = dataDir ? join(dataDir, 'checkpoints') : undefined;
      const checkpoints = checkpointDir
        ? (consumer: string) => FileShardCheckpoints.in(checkpointDir, consumer)
        : undefined;
      const { endpoints } = emulators;
      const aws: AwsClientSettings = { region: REGION, credentials: CREDENTIALS, endpoints };
      const clients = createAwsClients(aws);
      const r = emulatorResourceNames(options.suffix);
      const [{ streamArn }] = await Promise.all([
        ensureTable(clients.dynamodb, r.eventsTable, eventsTable),
        ensureTable(clients.dynamodb, r.connectionsTable, connectionsTable),
        ensureTable(clients.dynamodb, r.snapshotsTable, snapshotsTable),
        ensureStream(clients.kinesis, r.feedStream, config.feedShards),
        ensureBucket(clients.s3, r.bucket),
      ]);
      if (!streamArn) throw new Error(`table ${r.eventsTable} has no stream`);
      const dlq = await ensureQueue(clients.sqs, { name: r.broadcastDlq });
      const broadcast = await ensureQueue(clients.sqs, {
        name: r.broadcastQueue,
        visibilityTimeoutSeconds: Math.max(1, Math.round(config.broadcastVisibilityTimeoutMs / 1000)),
        deadLetter: { arn: dlq.arn, maxReceiveCount: config.maxReceiveCount },
      });
      const target = new GatewayTarget();
      const connectionsApi = await startConnectionsApiServer(target);
      stops.unshift(() => connectionsApi.stop());
      const env = emulatorEnv({
        aws,
        clients,
        names: { ...r, redisKeyPrefix: options.redisKeyPrefix ?? '' },
        config,
        ...(checkpoints ? { checkpoints } : {}),
      });

      const ms = (key: 'dynamodb' | 'kinesis' | 'fauxqs') =>
        emulators.startMs ? ` (started in ${emulators.startMs[key]} ms)` : '';
      return {
        description:
          `AWS emulators — DynamoDB Local ${endpoints.dynamodb}${ms('dynamodb')}, kinesalite ${endpoints.kinesis}${ms('kinesis')}, ` +
          `fauxqs SQS+S3 ${endpoints.sqs}${ms('fauxqs')}, @connections ${connectionsApi.endpoint}; broadcast queue ${broadcast.url}, DLQ ${dlq.url}; ` +
          (pids ? `emulator PIDs: DynamoDB Local ${pids.dynamodb}, kinesalite+fauxqs ${pids.emulators}; ` : '') +
          (dataDir
            ? `data dir ${dataDir} (kept across restarts)`
            : 'in memory (state ends with the process; --data-dir DIR keeps it)'),
        partsOf: async (feature) => {
          const parts = await feature.emulators?.(env);
          // What a feature opened (recommendations: its Redis client) closes with the backend, also on a failed start.
          if (parts?.stop) stops.unshift(parts.stop);
          return parts;
        },
        ports: (sockets) => {
          // Frames leave through the Management API adapter → the @connections server → the WebSocket server.
          target.sockets = sockets;
          return [
            bindingsModule(
              eventStoreOnDynamoDb(aws, r.eventsTable),
              snapshotStoreOnDynamoDb(aws, r.snapshotsTable),
              connectionRegistryOnDynamoDb(aws, r.connectionsTable, config.shardSize),
              feedOnKinesis(aws, r.feedStream),
              broadcastQueueOnSqs(aws, broadcast.url, { bucket: r.bucket, keyPrefix: 'offload/' }),
              connectionGatewayOnApiGateway(aws, connectionsApi.endpoint),
              memoryAbusePorts,
            ),
          ];
        },
        eventSources(context): RunningEventSource[] {
          const { container, config: c, logger } = context;
          const relay = env.dynamoDbStreamSource(context, 'relay', streamArn, container.get(TOKENS.RelayHandler), {
            batchSize: c.relayBatchSize,
            maximumBatchingWindowMs: c.relayWindowMs,
            maximumRetryAttempts: c.relayMaxRetries,
          });
          const fanout = env.kinesisSource(context, 'fanout', r.feedStream, container.get(TOKENS.FanoutHandler), {
            batchSize: c.fanoutBatchSize,
            maximumBatchingWindowMs: c.fanoutWindowMs,
            maximumRetryAttempts: c.fanoutMaxRetries,
          });
          const broadcastSource = new SqsEventSource(
            clients.sqs,
            broadcast.url,
            container.get(TOKENS.BroadcastHandler),
            {
              name: 'broadcast',
              batchSize: Math.min(10, c.broadcastBatchSize),
              concurrency: c.broadcastConcurrency,
              waitTimeSeconds: 1,
              region: REGION,
              onFailure: ({ messageIds, error }) =>
                logger.warn('broadcast batch failed; SQS redelivers after the visibility timeout', {
                  messages: messageIds.length,
                  error,
                }),
            },
          );
          return [relay, fanout, broadcastSource];
        },
        stop: async () => {
          // Every stop runs (a failed one must not leave the emulators or the data-dir lock behind); the first failure is rethrown.
          let failure: unknown;
          for (const stop of stops) await stop().catch((error: unknown) => (failure ??= error));
          if (failure !== undefined) throw failure;
        },
      };
    } catch (error) {
      for (const stop of stops) await stop().catch(() => undefined);
      throw error;
    }
  };

/** The backend `--backend emulators` names: starts its own emulators. */
export const emulatorBackend: LocalBackend = createEmulatorBackend();
