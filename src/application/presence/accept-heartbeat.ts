import type { ChannelId, SessionId, UserId } from '../../domain/shared/ids.js';
import type { ActionGate } from '../abuse/action-gate.js';
import type { Clock } from '../ports/clock.port.js';
import type { MessageQueue } from '../ports/message-queue.port.js';
import { SESSION_OVER, type PresenceMessage } from './presence-message.js';

export interface HeartbeatInput {
  readonly channelId: ChannelId;
  readonly sessionId: SessionId;
  readonly userId: UserId | null;
  /** The player's own counter, one higher per beat. */
  readonly sequence: number;
  /** The WebSocket connection the beat came on, for its per-connection budget. */
  readonly connectionId?: string;
}

export interface PresenceProducerDeps {
  readonly queue: MessageQueue<PresenceMessage>;
  readonly clock: Clock;
  /** Heartbeat budgets (a beat every 5 s is the contract; a flood is refused, not queued). */
  readonly gate?: ActionGate;
}

/**
 * The producer side of F5 (WebSocket frame or HTTP route): stamp the beat with the server's
 * time and queue it. Nothing is read or written here, so a beat costs one SQS send whatever
 * the audience; the consumer decides whether it is newer than what is stored.
 */
export const makeAcceptHeartbeat =
  (deps: PresenceProducerDeps) =>
  async (input: HeartbeatInput): Promise<{ readonly at: number }> => {
    await deps.gate?.admit('heartbeat', { userId: input.userId, connectionId: input.connectionId });
    const at = deps.clock.now();
    await deps.queue.send([
      {
        body: {
          kind: 'beat',
          channelId: input.channelId,
          sessionId: input.sessionId,
          userId: input.userId,
          sequence: input.sequence,
          at,
        },
      },
    ]);
    return { at };
  };

/** Queues the end of a session (the viewer's socket closed): it stops counting at once instead of after the TTL. */
export const makeEndViewerSession =
  (deps: PresenceProducerDeps) =>
  async (input: {
    readonly channelId: ChannelId;
    readonly sessionId: SessionId;
    readonly sequence?: number;
  }): Promise<void> => {
    const at = deps.clock.now();
    await deps.queue.send([
      {
        body: {
          kind: 'end',
          channelId: input.channelId,
          sessionId: input.sessionId,
          sequence: input.sequence ?? SESSION_OVER,
          at,
        },
      },
    ]);
  };
