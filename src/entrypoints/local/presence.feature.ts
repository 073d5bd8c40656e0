import { InMemoryConnectionSessions } from '../../adapters/in-memory/connection-sessions-adapter-in-memory.js';
import { InMemoryQueue } from '../../adapters/in-memory/message-queue-adapter-in-memory.js';
import { InMemoryPresenceStore } from '../../adapters/in-memory/presence-store-adapter-in-memory.js';
import type { PresenceMessage } from '../../application/presence/presence-message.js';
import { presenceSettings } from '../../application/presence/presence-settings.js';
import { LOCAL_TOKENS, localQueue, localQueueSource, twin } from './local.container.js';
import { PRESENCE_TOKENS, presenceModule } from '../composition/presence.module.js';
import { TOKENS, type Token, bindingsModule } from '../composition/tokens.js';
import type { LocalRuntimeContext, LocalRuntimeExtension, RunningEventSource } from './local-extensions.js';

export const LOCAL_PRESENCE_TOKENS = {
  HeartbeatQueue: Symbol.for('stampede.local.HeartbeatQueue') as Token<InMemoryQueue<PresenceMessage>>,
} as const;

/** How often the local runtime recounts watched channels, so an expiry shows even when no beat arrives. */
const RECOUNT_TICK_MS = 1_000;

const inMemoryPorts = bindingsModule((bind) => {
  twin(LOCAL_PRESENCE_TOKENS.HeartbeatQueue, PRESENCE_TOKENS.HeartbeatQueue, (get) =>
    localQueue(get, 'heartbeats', { visibilityTimeoutMs: 30_000 }),
  )(bind);
  bind(PRESENCE_TOKENS.PresenceStore, (get) => {
    const clock = get(TOKENS.Clock);
    return new InMemoryPresenceStore({ now: () => clock.now() });
  });
  bind(PRESENCE_TOKENS.ConnectionSessions, () => new InMemoryConnectionSessions());
  bind(PRESENCE_TOKENS.Settings, (get) =>
    presenceSettings({ ttlMs: get(LOCAL_TOKENS.Config).presenceTtlSeconds * 1000 }),
  );
});

/**
 * What every presence feature of the local runtime does once the container exists, whichever
 * adapters it runs on: the heartbeat queue's event source (`source`) and the periodic recount
 * tick (local only: in AWS the consumer's delayed follow-up recounts notice expiries alone).
 */
export const setUpPresence = (context: LocalRuntimeContext, source: RunningEventSource): void => {
  const { container, logger, addEventSource, onStop } = context;
  addEventSource(source);
  const tracker = container.get(PRESENCE_TOKENS.Tracker);
  const timer = setInterval(() => {
    tracker
      .tick()
      .catch((error: unknown) => logger.warn('presence recount tick failed; the next tick retries', { error }));
  }, RECOUNT_TICK_MS);
  timer.unref();
  onStop(() => clearInterval(timer));
};

/**
 * F5 in `npm start`: heartbeats (route and frame) → heartbeat queue (standard, with the
 * runtime's chaos settings) → `presence` handler, plus the periodic recount tick.
 */
export const presenceFeature: LocalRuntimeExtension = {
  name: 'presence',
  modules: [inMemoryPorts, presenceModule],
  setup(context) {
    const { container } = context;
    const queue = container.get(LOCAL_PRESENCE_TOKENS.HeartbeatQueue);
    setUpPresence(context, localQueueSource(context, 'presence', queue, container.get(PRESENCE_TOKENS.Handler)));
  },
};
