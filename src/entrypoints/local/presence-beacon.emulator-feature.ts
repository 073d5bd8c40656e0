import { presenceTable } from '../../adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../adapters/dynamodb/table-provisioning.js';
import { ensureStream } from '../../adapters/kinesis/stream-provisioning.js';
import { presenceBucketsOnDynamoDb, presenceStreamOnKinesis } from '../composition/presence-beacon.aws.module.js';
import { BEACON_TOKENS, beaconGrantModule, presenceBeaconModule } from '../composition/presence-beacon.module.js';
import { bindingsModule } from '../composition/tokens.js';
import { type EmulatorFeature, type EmulatorFeatureOptions, kinesisMapping } from './emulator-feature-kit.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import {
  BEACON_MAPPING,
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
      context.addEventSource(setUpBeaconEdge(context));
      const handler = context.container.get(BEACON_TOKENS.AggregatorHandler);
      context.addEventSource(
        kinesisMapping(options, context.logger, 'presence-aggregator', names.presenceStream, handler, BEACON_MAPPING),
      );
    },
  };
  return {
    feature,
    description: `presence stream ${names.presenceStream} (kinesalite, ${LOCAL_PRESENCE_SHARDS} shards)`,
  };
};
