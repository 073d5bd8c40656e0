import { z } from 'zod';
import type { ChatSignal, LikeSignal } from '../../domain/live-feed/feed-item.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { Clock } from '../ports/clock.port.js';
import type { ConnectionRegistry } from '../ports/connection-registry.port.js';
import type { FeedPublisher } from '../ports/feed-publisher.port.js';
import type { IdGenerator } from '../ports/id-generator.port.js';
import type { RateLimiter } from '../ports/rate-limiter.port.js';

export type SignalErrorCode = 'NOT_JOINED' | 'RATE_LIMITED';

// C0/C1 controls, plus the bidirectional overrides that let a message disguise its own text.
const FORBIDDEN = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** Chat text as accepted: trimmed, 1..500 characters, no control characters. */
export const ChatText = z
  .string()
  .trim()
  .min(1, 'text must not be empty')
  .max(500, 'text must be at most 500 characters')
  .refine((t) => !FORBIDDEN.test(t), 'text must not contain control characters');

/** Likes in one frame: a client may batch taps, up to this many. */
export const LikeCount = z.number().int().min(1).max(100);

export interface ViewerSignalsDeps {
  readonly registry: ConnectionRegistry;
  readonly publisher: FeedPublisher;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly chatLimiter: RateLimiter;
  readonly likeLimiter: RateLimiter;
}

/**
 * Chat and likes: ephemeral signals published straight to the live feed, deliberately NOT
 * events of the Channel aggregate — at thousands of taps a second they would make the
 * channel's stream the hottest key in the table and serialise every seller command behind
 * them. The fan-out sums likes per batch; each connection is rate-limited.
 */
export const makeViewerSignals = (deps: ViewerSignalsDeps) => {
  const joinedChannel = async (connectionId: string) => {
    const info = await deps.registry.get(connectionId);
    if (!info) throw new DomainError<SignalErrorCode>('NOT_JOINED', 'join a channel before sending chat or likes');
    return info;
  };
  const admit = async (limiter: RateLimiter, connectionId: string, what: string) => {
    if (!(await limiter.tryAcquire(connectionId))) {
      throw new DomainError<SignalErrorCode>('RATE_LIMITED', `too many ${what}; slow down and try again in a moment`);
    }
  };
  return {
    async chat(connectionId: string, text: string): Promise<ChatSignal> {
      const clean = ChatText.parse(text);
      const info = await joinedChannel(connectionId);
      await admit(deps.chatLimiter, connectionId, 'chat messages');
      const signal: ChatSignal = {
        kind: 'signal',
        signal: 'CHAT',
        channelId: info.channelId,
        messageId: deps.ids.next(),
        userId: info.userId ?? `guest:${connectionId}`,
        text: clean,
        at: deps.clock.now(),
      };
      await deps.publisher.publish([signal]);
      return signal;
    },
    async like(connectionId: string, count = 1): Promise<LikeSignal> {
      const n = LikeCount.parse(count);
      const info = await joinedChannel(connectionId);
      await admit(deps.likeLimiter, connectionId, 'likes');
      const signal: LikeSignal = { kind: 'signal', signal: 'LIKES', channelId: info.channelId, count: n, at: deps.clock.now() };
      await deps.publisher.publish([signal]);
      return signal;
    },
  };
};
export type ViewerSignals = ReturnType<typeof makeViewerSignals>;
