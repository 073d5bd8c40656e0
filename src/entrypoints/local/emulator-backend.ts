import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmulators, type EmulatorEndpoints } from '../../adapters/local/emulators/start-emulators.js';
import { FileShardCheckpoints } from '../../adapters/local/pollers/shard-checkpoints.js';
import { lockDataDir } from '../../adapters/local/data-dir-lock.js';
import { ensureBucket } from '../../adapters/s3/bucket-provisioning.js';
import { createAwsClients } from '../../adapters/aws-shared/aws-clients.js';
import type { AwsClientSettings } from '../composition/aws-target.js';
import { emulatorEnv } from './emulator-env.js';
import { emulatorResourceNames, type LocalBackend } from './local-extensions.js';

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
 * feature's ports speak the real AWS protocol to local emulators — DynamoDB Local, kinesalite,
 * fauxqs (SQS, S3 and SNS) — with pollers standing in for Lambda's event source mappings. This
 * backend starts the emulators (or uses running ones), locks the data dir and makes the shared
 * bucket; each feature makes its own resources and mappings in its `emulators` part (the live
 * pipeline in live.feature.ts, booking, presence, auctions, recommendations and integration in
 * theirs). Only the cache and read model of recommendations stay in memory without `--redis-url`.
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
      // The one bucket every feature shares: bodies over the SQS limit (offload/), stats.json.
      await ensureBucket(clients.s3, r.bucket);
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
          `fauxqs SQS+S3 ${endpoints.sqs}${ms('fauxqs')}; ` +
          (pids ? `emulator PIDs: DynamoDB Local ${pids.dynamodb}, kinesalite+fauxqs ${pids.emulators}; ` : '') +
          (dataDir
            ? `data dir ${dataDir} (kept across restarts)`
            : 'in memory (state ends with the process; --data-dir DIR keeps it)'),
        partsOf: async (feature) => {
          const parts = await feature.emulators?.(env);
          // What a feature opened (its @connections server, a Redis client) closes with the backend, also on a failed start.
          if (parts?.stop) stops.unshift(parts.stop);
          return parts;
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
