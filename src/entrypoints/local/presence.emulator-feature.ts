import { presenceTable } from '../../adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../adapters/dynamodb/table-provisioning.js';
import {
  connectionSessionsOnDynamoDb,
  heartbeatQueueOnSqs,
  presenceStoreOnDynamoDb,
  presenceTtl,
} from '../composition/presence.aws.module.js';
import { PRESENCE_TOKENS, presenceModule } from '../composition/presence.module.js';
import { bindingsModule } from '../composition/tokens.js';
import {
  ensureQueueWithDlq,
  queueEventSource,
  type EmulatorFeature,
  type EmulatorFeatureOptions,
} from './emulator-feature-kit.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import { setUpPresence } from './presence.feature.js';

export interface EmulatorPresenceResources {
  readonly presenceTable: string;
  readonly connectionsTable: string;
  readonly heartbeatQueue: string;
  readonly heartbeatDlq: string;
}

/**
 * The presence feature (F5) of `npm start -- --backend emulators`: the deployed functions' ports
 * (presence.aws.module.ts) — the presence table with its sequence-conditional puts on DynamoDB
 * Local, connection → session bindings on the connections table, the heartbeat queue (SQS
 * standard, with its DLQ, also carrying the delayed follow-up recounts) on fauxqs — and an SQS
 * long-polling event source feeding the presence handler, plus the local 1 s recount tick.
 */
export const emulatorPresenceFeature = async (
  options: EmulatorFeatureOptions<EmulatorPresenceResources>,
): Promise<EmulatorFeature> => {
  const { clients, names, config } = options;
  await ensureTable(clients.dynamodb, names.presenceTable, presenceTable);
  const queue = await ensureQueueWithDlq(options, {
    name: names.heartbeatQueue,
    dlqName: names.heartbeatDlq,
    visibilityTimeoutSeconds: 30,
  });
  const { aws } = options;
  const modules = [
    presenceModule,
    bindingsModule(
      presenceTtl(config.presenceTtlSeconds),
      presenceStoreOnDynamoDb(aws, names.presenceTable),
      connectionSessionsOnDynamoDb(aws, names.connectionsTable),
      heartbeatQueueOnSqs(aws, queue.url),
    ),
  ];
  const feature: LocalRuntimeExtension = {
    name: 'presence',
    modules,
    setup(context) {
      const { container, logger } = context;
      setUpPresence(
        context,
        queueEventSource(options, 'presence', queue.url, container.get(PRESENCE_TOKENS.Handler), logger),
      );
    },
  };
  return { feature, description: `heartbeat queue ${queue.url}, presence table ${names.presenceTable}` };
};
