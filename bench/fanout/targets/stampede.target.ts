import { randomUUID } from 'node:crypto';
import { encodeAuthSubprotocol, EVENT_WS_SUBPROTOCOL } from '../../../src/adapters/appsync/event-api-wire.js';
import type { ConnectionRegistry } from '../../../src/application/ports/connection-registry.port.js';
import type { FeedPublisher } from '../../../src/application/ports/feed-publisher.port.js';
import type { ChatSignal } from '../../../src/domain/live-feed/feed-item.js';
import { TOKENS } from '../../../src/entrypoints/composition/tokens.js';
import { startLocalRuntime, type LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import type { BenchFrame, FanoutTarget, TargetDescriptor } from '../frame.js';

type Broadcaster = 'apigateway' | 'appsync-events';

/**
 * Stampede's local runtime (`npm start`, memory backend, live commerce only) as a fan-out
 * target. The publisher hands one chat signal per frame to the runtime's FeedPublisher
 * in-process — what the `chat` action does after its rate limit — with the send stamp in the
 * text. The measured path is the whole fan-out, with the runtime's default batching:
 *  - `apigateway`: viewers connect to its WebSocket API and send `join`; feed stream → `fanout`
 *    → broadcast queue → `broadcast` → one post per connection;
 *  - `appsync-events`: viewers subscribe on the AppSync Events stand-in (API key); feed stream
 *    → `fanout` → one HTTP publish per channel batch → the stand-in fans out.
 */
const createTarget = (broadcaster: Broadcaster) => async (): Promise<FanoutTarget> => {
  let runtime: LocalRuntime | null = null;
  let publisher: FeedPublisher | null = null;
  const counts = new Map<string, number>();

  return {
    async start(channels) {
      runtime = await startLocalRuntime({
        host: '127.0.0.1',
        port: 0,
        progressIntervalMs: 0,
        logLevel: 'ERROR',
        extensions: [],
        broadcaster,
      });
      publisher = runtime.container.get(TOKENS.FeedPublisher);
      for (const c of channels) counts.set(c, 0);
      const events = runtime.eventApi;
      if (events) {
        return {
          protocol: 'ws',
          url: events.realtimeUrl,
          protocols: [EVENT_WS_SUBPROTOCOL, encodeAuthSubprotocol({ host: events.host, 'x-api-key': events.apiKey })],
          joinMessage: JSON.stringify({
            type: 'subscribe',
            id: 'bench',
            channel: `/${events.namespace}/{channel}`,
            authorization: { 'x-api-key': events.apiKey },
          }),
          joinAck: 'subscribe_success',
          decoder: 'appsync-events',
        } satisfies TargetDescriptor;
      }
      return {
        protocol: 'ws',
        url: runtime.wsUrl,
        joinMessage: JSON.stringify({ action: 'join', channelId: '{channel}' }),
        joinAck: 'joined',
        decoder: 'stampede-feed',
      } satisfies TargetDescriptor;
    },
    async refreshSubscribers() {
      const events = runtime!.eventApi;
      if (events) {
        for (const [channel, n] of events.standIn.subscribersByChannel())
          if (counts.has(channel)) counts.set(channel, n);
        return;
      }
      const registry: ConnectionRegistry = runtime!.container.get(TOKENS.ConnectionRegistry);
      for (const channel of counts.keys()) {
        let n = 0;
        const shards = await registry.shardCount(channel);
        for (let s = 0; s < shards; s++) n += (await registry.connectionsIn(channel, s)).length;
        counts.set(channel, n);
      }
    },
    subscribers: (channel) => counts.get(channel) ?? 0,
    publish(channel: string, frame: BenchFrame) {
      const signal: ChatSignal = {
        kind: 'signal',
        signal: 'CHAT',
        channelId: channel,
        messageId: randomUUID(),
        userId: 'bench-host',
        text: `bench:${frame.sentAt}`,
        at: Date.now(),
      };
      // Pad the chat text so an item is as long as the other targets' frame: same bytes per frame.
      const missing = JSON.stringify(frame).length - JSON.stringify(signal).length - 1;
      return publisher!.publish([missing > 0 ? { ...signal, text: `${signal.text} ${'x'.repeat(missing)}` } : signal]);
    },
    backendCalls: () => runtime?.deliveryCalls() ?? 0,
    async stop() {
      await runtime?.stop();
    },
    diagnostics: () => runtime?.progress() ?? '',
  };
};

export const createStampedeTarget = createTarget('apigateway');
export const createStampedeAppSyncTarget = createTarget('appsync-events');
