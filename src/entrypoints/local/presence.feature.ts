import { InMemoryConnectionSessions } from '../../adapters/in-memory/connection-sessions-adapter-in-memory.js';
import { InMemoryQueue } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import { InMemoryPresenceStore } from '../../adapters/in-memory/presence-store-adapter-in-memory.js';
import type { PresenceMessage } from '../../application/presence/presence-message.js';
import { presenceSettings } from '../../application/presence/presence-settings.js';
import { PRESENCE_TOKENS, presenceModule } from '../composition/presence.module.js';
import { TOKENS, type Token, bindingsModule } from '../composition/tokens.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import { LOCAL_TOKENS, localQueue, localQueueSource, twin } from './local.container.js';

export const LOCAL_PRESENCE_TOKENS = {
  HeartbeatQueue: Symbol.for('stampede.local.HeartbeatQueue') as Token<InMemoryQueue<PresenceMessage>>,
} as const;

/** How often the local runtime recounts watched channels, so an expiry shows even when no beat arrives. */
const RECOUNT_TICK_MS = 1_000;

/**
 * F5 in `npm start`: heartbeats (route and frame) → heartbeat queue (standard, with the
 * runtime's chaos settings) → `presence` handler, plus the periodic recount tick (local only:
 * in AWS the consumer's delayed follow-up recounts notice expiries alone). On the emulators,
 * the deployed functions' ports (presence.aws.module.ts): the presence table with its
 * sequence-conditional puts on DynamoDB Local, connection → session bindings on the
 * connections table, the heartbeat queue (with its DLQ, also carrying the delayed follow-ups)
 * on fauxqs.
 */
export const presenceFeature: LocalRuntimeExtension = {
  name: 'presence',
  modules: [presenceModule],
  memory: {
    ports: [
      bindingsModule(
        twin(LOCAL_PRESENCE_TOKENS.HeartbeatQueue, PRESENCE_TOKENS.HeartbeatQueue, (get) =>
          localQueue(get, 'heartbeats', { visibilityTimeoutMs: 30_000 }),
        ),
        (bind) =>
          bind(PRESENCE_TOKENS.PresenceStore, (get) => {
            const clock = get(TOKENS.Clock);
            return new InMemoryPresenceStore({ now: () => clock.now() });
          }),
        (bind) => bind(PRESENCE_TOKENS.ConnectionSessions, () => new InMemoryConnectionSessions()),
        (bind) =>
          bind(PRESENCE_TOKENS.Settings, (get) =>
            presenceSettings({ ttlMs: get(LOCAL_TOKENS.Config).presenceTtlSeconds * 1000 }),
          ),
      ),
    ],
    sources: (context) => [
      localQueueSource(
        context,
        'presence',
        context.container.get(LOCAL_PRESENCE_TOKENS.HeartbeatQueue),
        context.container.get(PRESENCE_TOKENS.Handler),
      ),
    ],
  },
  async emulators(env) {
    const { names, aws } = env;
    const onAws = await import('../composition/presence.aws.module.js');
    const { presenceTable } = await import('../../adapters/dynamodb/table-definitions.js');
    await env.table(names.presenceTable, presenceTable);
    const queue = await env.queue({
      name: names.heartbeatQueue,
      dlq: names.heartbeatDlq,
      visibilityTimeoutSeconds: 30,
    });
    return {
      ports: [
        bindingsModule(
          onAws.presenceTtl(env.config.presenceTtlSeconds),
          onAws.presenceStoreOnDynamoDb(aws, names.presenceTable),
          onAws.connectionSessionsOnDynamoDb(aws, names.connectionsTable),
          onAws.heartbeatQueueOnSqs(aws, queue.url),
        ),
      ],
      sources: (context) => [
        env.queueSource(context, 'presence', queue.url, context.container.get(PRESENCE_TOKENS.Handler)),
      ],
      description: `heartbeat queue ${queue.url}, presence table ${names.presenceTable}`,
    };
  },
  setup({ container, every }) {
    const tracker = container.get(PRESENCE_TOKENS.Tracker);
    every(RECOUNT_TICK_MS, 'presence recount tick', () => tracker.tick());
  },
};
