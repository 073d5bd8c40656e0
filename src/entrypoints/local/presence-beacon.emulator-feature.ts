import { presenceTable } from '../../adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../adapters/dynamodb/table-provisioning.js';
import { ensureStream } from '../../adapters/kinesis/stream-provisioning.js';
import { KinesisStreamMirror } from '../../adapters/local/pollers/kinesis-stream-mirror.js';
import { presenceBucketsOnDynamoDb, presenceStreamOnKinesis } from '../composition/presence-beacon.aws.module.js';
import { beaconGrantModule, presenceBeaconModule } from '../composition/presence-beacon.module.js';
import { bindingsModule } from '../composition/tokens.js';
import {
  emulatorStreamArn,
  mirrored,
  type EmulatorFeature,
  type EmulatorFeatureOptions,
  EMULATOR_MAX_IDLE_POLL_MS,
} from './emulator-feature-kit.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import {
  aggregatorSource,
  LOCAL_PRESENCE_SHARDS,
  localBeaconBasics,
  setUpBeaconEdge,
} from './presence-beacon.feature.js';

export interface EmulatorPresenceBeaconResources {
  readonly presenceTable: string;
  readonly presenceStream: string;
}

/**
 * The beacon presence path of `npm start -- --backend emulators`: `/beat` and its log stay the
 * local edge stand-in (CloudFront has no emulator), the beat-router puts on a kinesalite presence
 * stream with explicit hash keys, and a mirror of that stream feeds the presence-aggregator, whose
 * packed buckets and count items live on the presence table in DynamoDB Local. Counts and tokens
 * survive a restart of the runtime: a cold aggregator rebuilds from the buckets.
 */
export const emulatorPresenceBeaconFeature = async (
  options: EmulatorFeatureOptions<EmulatorPresenceBeaconResources>,
): Promise<EmulatorFeature> => {
  const { clients, names, aws } = options;
  await ensureTable(clients.dynamodb, names.presenceTable, presenceTable);
  await ensureStream(clients.kinesis, names.presenceStream, LOCAL_PRESENCE_SHARDS);
  const feature: LocalRuntimeExtension = {
    name: 'presence-beacon',
    modules: [
      localBeaconBasics,
      presenceBeaconModule,
      beaconGrantModule,
      bindingsModule(
        presenceStreamOnKinesis(aws, names.presenceStream, LOCAL_PRESENCE_SHARDS),
        presenceBucketsOnDynamoDb(aws, names.presenceTable),
      ),
    ],
    setup(context) {
      const { logger } = context;
      context.addEventSource(setUpBeaconEdge(context));
      const onError = (error: unknown) =>
        logger.warn('poller error; retrying', { source: 'presence-aggregator', error });
      const mirror = new KinesisStreamMirror(clients.kinesis, names.presenceStream, {
        idlePollMs: 50,
        maxIdlePollMs: EMULATOR_MAX_IDLE_POLL_MS,
        onError,
        onWarning: (message) => logger.warn(message),
        ...(options.checkpoints ? { checkpoints: options.checkpoints('presence-aggregator') } : {}),
      });
      const arn = emulatorStreamArn(aws.region, names.presenceStream);
      context.addEventSource(
        mirrored('presence-aggregator', mirror, () => aggregatorSource(context, mirror.log, arn), onError),
      );
    },
  };
  return {
    feature,
    description: `presence stream ${names.presenceStream} (kinesalite, ${LOCAL_PRESENCE_SHARDS} shards)`,
  };
};
